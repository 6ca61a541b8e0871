import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { proposedOf } from '../../src/app/apply-promotion.ts';
import { noLog } from '../../src/app/deps.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { promoteOnForge } from '../../src/app/promote-on-forge.ts';
import { createGantryServer, type GantryServer } from '../../src/entry/server/server.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { CANARY_GITOPS } from '../support/canary-world.ts';
import { FakeGitLab } from '../support/fake-gitlab.ts';
import { type Loopback, serveLoopback } from '../support/loopback.ts';
import { deliverGitLab } from '../support/webhooks.ts';

/**
 * `/gantry canary` through the real server: the bot's Prometheus credentials go only to the
 * datasources its environment declares, whatever a repository's `canary.prometheus` says.
 */

const SECRET = 'datasource-secret';
const servers: Loopback[] = [];
let server: GantryServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A Prometheus that records who asked with which Authorization, and answers a flat series. */
async function prometheus() {
  const seen: (string | undefined)[] = [];
  const loopback = await serveLoopback((request, body, response) => {
    seen.push(request.headers.authorization);
    const form = new URLSearchParams(body.toString('utf8'));
    const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(form.get(k)));
    const values: [number, string][] = [];
    for (let t = start!; t <= end!; t += step!) values.push([t, '0.2']);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } }),
    );
  });
  servers.push(loopback);
  return { url: loopback.url, seen };
}

async function world(prometheusSetting: string) {
  const values = (tag: string) => `image:\n  tag: "${tag}"\n`;
  const fake = new FakeGitLab({
    '.gantry.yml': CANARY_GITOPS.replace(
      'prometheus: http://prometheus.test',
      `prometheus: ${prometheusSetting}`,
    ),
    'envs/dev/values.yaml': values('1.5.0'),
    'envs/staging/values.yaml': values('1.4.0'),
    'envs/prod/eu/values.yaml': values('1.3.0'),
    'envs/prod/us/values.yaml': values('1.3.0'),
  });
  // The staging MR gantry opened, merged: `/gantry canary` on it analyses staging.
  const deps = { forge: fake.forge(), lock: new KeyedLock(), clock: systemClock, log: noLog };
  const { outcomes } = await promoteOnForge(deps, deps.forge, fake.project, 'main', {
    kind: 'promote',
    request: { to: 'staging', apps: ['web'] },
  });
  const mr = fake.mergeRequests.find((m) => m.iid === proposedOf(outcomes[0]!).pullRequest.number)!;
  fake.git.branches.set('main', fake.git.branches.get(mr.source_branch)!);
  mr.state = 'merged';
  fake.users.set('alice', 12);
  fake.members.set(12, { access_level: 40, state: 'active' });
  return { fake, mr };
}

async function start(fake: FakeGitLab, env: Record<string, string>) {
  server = await createGantryServer(
    {
      port: 0,
      host: '127.0.0.1',
      gitlab: { url: FakeGitLab.origin, token: 'glpat-test', secrets: [{ prefix: '', secret: SECRET }] },
      botName: 'gantry',
      logLevel: 'silent',
    },
    { gitlabDispatcher: fake.http.agent, env, log: pino({ level: process.env.E2E_LOG ?? 'silent' }) },
  );
  await server.start();
}

async function canaryCommand(
  fake: FakeGitLab,
  mr: { iid: number; source_branch: string; description: string },
  id: number,
) {
  const project = { path_with_namespace: fake.project, default_branch: 'main' };
  const note = {
    object_kind: 'note',
    user: { id: 12, name: 'alice', username: 'alice' },
    project,
    object_attributes: {
      id,
      note: '/gantry canary',
      noteable_type: 'MergeRequest',
      action: 'create',
      system: false,
    },
    merge_request: {
      iid: mr.iid,
      source_branch: mr.source_branch,
      target_branch: 'main',
      source_project_id: 42,
      target_project_id: 42,
      description: mr.description,
    },
  };
  expect((await deliverGitLab(server!.url, 'Note Hook', note, SECRET)).status).toBe(202);
  await server!.runner.idle();
  return fake.notes.at(-1)!.body;
}

describe('Prometheus credentials are bound to declared datasources', () => {
  it('refuses an undeclared URL that asks for PROMETHEUS_TOKEN: no request reaches it, the reply says why', async () => {
    const declared = await prometheus();
    const elsewhere = await prometheus();
    const { fake, mr } = await world(
      `{ url: "${elsewhere.url}", auth: { type: bearer, tokenEnv: PROMETHEUS_TOKEN } }`,
    );
    await start(fake, { PROMETHEUS_URL: declared.url, PROMETHEUS_TOKEN: 'prom-secret' });
    const reply = await canaryCommand(fake, mr, 901);
    expect(elsewhere.seen).toEqual([]);
    expect(declared.seen).toEqual([]);
    expect(reply).toContain('is not a datasource this bot declares (declared: default)');
  });

  it('queries an undeclared URL without any credentials only when the operator allows it', async () => {
    const elsewhere = await prometheus();
    const { fake, mr } = await world(elsewhere.url);
    await start(fake, {
      PROMETHEUS_URL: 'http://127.0.0.1:9',
      PROMETHEUS_TOKEN: 'prom-secret',
      GANTRY_PROMETHEUS_ALLOW_UNDECLARED: '1',
    });
    await canaryCommand(fake, mr, 902);
    expect(elsewhere.seen.length).toBeGreaterThan(0);
    expect(elsewhere.seen.every((a) => a === undefined)).toBe(true);
  });

  it('sends a datasource its own credentials, named or by its URL', async () => {
    const eu = await prometheus();
    const named = await world('eu-west');
    await start(named.fake, {
      GANTRY_PROMETHEUS_EU_WEST_URL: eu.url,
      GANTRY_PROMETHEUS_EU_WEST_TOKEN: 'eu-secret',
    });
    expect(await canaryCommand(named.fake, named.mr, 903)).toMatch(/canary analysis: \*\*/);
    expect(eu.seen.length).toBeGreaterThan(0);
    expect(new Set(eu.seen)).toEqual(new Set(['Bearer eu-secret']));
    await server!.stop();
    const byUrl = await world(`${eu.url}/`);
    eu.seen.length = 0;
    await start(byUrl.fake, {
      GANTRY_PROMETHEUS_EU_WEST_URL: eu.url,
      GANTRY_PROMETHEUS_EU_WEST_USERNAME: 'u',
      GANTRY_PROMETHEUS_EU_WEST_PASSWORD: 'p',
    });
    await canaryCommand(byUrl.fake, byUrl.mr, 904);
    expect(new Set(eu.seen)).toEqual(new Set([`Basic ${Buffer.from('u:p').toString('base64')}`]));
  });
});
