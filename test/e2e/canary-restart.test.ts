import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { proposedOf } from '../../src/app/apply-promotion.ts';
import { noLog } from '../../src/app/deps.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { promoteOnForge } from '../../src/app/promote-on-forge.ts';
import { parseWatchState } from '../../src/core/canary/watch.ts';
import { CANARY_MARKER } from '../../src/core/canary/watch-report.ts';
import { parsePromotionBody } from '../../src/core/promote/pr-body.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { CANARY_GITOPS } from '../support/canary-world.ts';
import { repoRoot } from '../support/cli.ts';
import { FakeGitLab } from '../support/fake-gitlab.ts';
import { bridgeTo, type Loopback, serveLoopback } from '../support/loopback.ts';
import { type RunningRedis, startRedis } from '../support/redis.ts';

/**
 * The real `gantry serve`, twice, on one Redis: the first is killed with SIGKILL between two
 * analyses of a watch, the second finishes it. GitLab is the in-process fake behind a
 * loopback bridge; Prometheus is a loopback fake whose canary is 4× slower than its baseline.
 */

const SECRET = 'webhook-secret-for-tests';
let redis: RunningRedis;
let prometheus: Loopback;
const children: ChildProcess[] = [];
const servers: Loopback[] = [];

beforeAll(async () => {
  redis = await startRedis();
  prometheus = await serveLoopback((_request, body, response) => {
    const form = new URLSearchParams(body.toString('utf8'));
    const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(form.get(k)));
    const canary = form.get('query')!.includes('track="canary"');
    const values: [number, string][] = [];
    for (let t = start!, i = 0; t <= end!; t += step!, i++)
      values.push([t, String((canary ? 0.8 : 0.2) + (i % 3) * 0.01)]);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } }),
    );
  });
});
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await prometheus?.close();
  await redis?.stop();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function serve(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, 'bin/gantry.js'), 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { text: '' };
  child.stdout!.on('data', (c) => {
    output.text += c;
  });
  child.stderr!.on('data', (c) => {
    output.text += c;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok === true,
    () => output.text,
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, output, exited };
}

async function waitFor(check: () => Promise<boolean> | boolean, context: () => string, ms = 25_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out; output:\n${context().slice(-3000)}`);
}

describe('gantry serve with REDIS_URL, killed mid-watch and started again', () => {
  it('resumes the watch: one final report, one final status per commit, one rollback MR', async () => {
    const config = CANARY_GITOPS.replace('http://prometheus.test', prometheus.url)
      .replace(
        'canary: { window: 10m, step: 2m, rollback: auto }',
        'canary: { window: 9s, step: 3s, rollback: auto }',
      )
      .replace('      critical: true\n', '');
    const values = (tag: string) => `image:\n  tag: "${tag}"\n`;
    const fake = new FakeGitLab({
      '.gantry.yml': config,
      'envs/dev/values.yaml': values('1.5.0'),
      'envs/staging/values.yaml': values('1.4.0'),
      'envs/prod/eu/values.yaml': values('1.3.0'),
      'envs/prod/us/values.yaml': values('1.3.0'),
    });
    const gitlab = await bridgeTo(FakeGitLab.origin, fake.http.agent);
    servers.push(gitlab);
    const project = fake.project;
    // The staging MR gantry opened earlier, merged by a human.
    const deps = { forge: fake.forge(), lock: new KeyedLock(), clock: systemClock, log: noLog };
    const { outcomes } = await promoteOnForge(deps, deps.forge, project, 'main', {
      kind: 'promote',
      request: { to: 'staging', apps: ['web'] },
    });
    const mr = fake.mergeRequests.find((m) => m.iid === proposedOf(outcomes[0]!).pullRequest.number)!;
    const mergeSha = fake.git.branches.get(mr.source_branch)!;
    fake.git.branches.set('main', mergeSha);
    mr.state = 'merged';

    const env = {
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: 'glpat-test',
      GITLAB_WEBHOOK_SECRET: SECRET,
      REDIS_URL: redis.url,
      // The bot queries only datasources its operator declares.
      PROMETHEUS_URL: prometheus.url,
    };
    const first = await serve(env);
    expect(first.output.text).toContain(`"jobs":"redis (BullMQ, durable) at ${redis.url}`);
    const hook = await fetch(`${first.url}/api/gitlab/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gitlab-token': SECRET,
        'x-gitlab-event': 'Merge Request Hook',
      },
      body: JSON.stringify({
        object_kind: 'merge_request',
        project: { path_with_namespace: project, default_branch: 'main' },
        object_attributes: {
          iid: mr.iid,
          action: 'merge',
          source_branch: mr.source_branch,
          target_branch: 'main',
          merge_commit_sha: mergeSha,
          description: mr.description,
        },
      }),
    });
    expect(hook.status).toBe(202);

    const canaryNotes = () => fake.notes.filter((n) => n.iid === mr.iid && n.body.includes(CANARY_MARKER));
    const state = () => {
      const notes = canaryNotes();
      return notes.length ? parseWatchState(notes[0]!.body) : undefined;
    };
    // Between analyses 1 and 2: nothing running, the next analysis waiting in Redis.
    await waitFor(
      async () => {
        if ((state()?.step ?? 0) < 1) return false;
        const active = await redis.command('LLEN', 'gantry:canary-watch:active');
        const delayed = await redis.command('ZCARD', 'gantry:canary-watch:delayed');
        return active === ':0\r\n' && delayed === ':1\r\n';
      },
      () => first.output.text,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    expect(state()).toMatchObject({ step: 1 });

    const second = await serve(env);
    await waitFor(
      () => state()?.final !== undefined,
      () => second.output.text,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const notes = canaryNotes();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain('## ❌ Canary watch failed: web in staging');
    expect(state()).toMatchObject({ step: 3, final: { outcome: 'fail' } });
    const statuses = fake.statuses.filter((s) => s.sha === mergeSha && s.name === 'gantry/canary');
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'failed']);
    const rollbacks = fake.mergeRequests.filter((m) => m.state === 'opened');
    expect(rollbacks.map((m) => [m.source_branch, m.title])).toEqual([
      ['gantry-rollback/staging/web', 'Roll back web in staging: 1.5.0 → 1.4.0'],
    ]);
    expect(parsePromotionBody(rollbacks[0]!.description)).toMatchObject({ rollback: { of: mr.iid } });
    expect(second.output.text).toContain('canary-watch: canary-fail');
  }, 90_000);
});
