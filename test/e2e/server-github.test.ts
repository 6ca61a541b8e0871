import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePromotionBody } from '../../src/core/promote/pr-body.ts';
import { createGantryServer, type GantryServer } from '../../src/entry/server/server.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { expectWellFormed, sent } from '../support/github-harness.ts';
import { selfReleasingGitops } from '../support/gitops-fixture.ts';
import {
  appPrivateKey,
  deliverGitHub,
  githubExample,
  inRepository,
  sign,
  WEBHOOK_SECRET,
} from '../support/webhooks.ts';

const key = appPrivateKey();

/** The example GitOps repo as a monorepo: it also deploys itself as app `web`. */
function monorepo(): Record<string, string> {
  return selfReleasingGitops('shop/gitops', 'tag');
}

let fake: FakeGitHub;
let server: GantryServer;

beforeEach(async () => {
  fake = new FakeGitHub(monorepo());
  // Installation authentication (not counted as forge calls).
  fake.http.on('POST', '/app/installations/:id/access_tokens', () => ({
    status: 201,
    body: {
      token: 'ghs_installation',
      expires_at: '2999-01-01T00:00:00Z',
      permissions: {},
      repository_selection: 'all',
    },
  }));
  server = await createGantryServer(
    {
      port: 0,
      host: '127.0.0.1',
      github: { appId: '1', privateKey: key, secret: WEBHOOK_SECRET, baseUrl: FakeGitHub.origin },
      botName: 'gantry',
      logLevel: 'silent',
    },
    {
      githubFetch: fake.http.fetch,
      githubThrottle: false,
      log: pino({ level: process.env.E2E_LOG ?? 'silent' }),
    },
  );
  await server.start();
});

afterEach(async () => {
  await server.stop();
});

const forgeCalls = () => fake.http.requests.filter((r) => !r.path.startsWith('/app/'));

function tagPush(tag: string) {
  const payload = inRepository(
    githubExample('push', (p) => String(p.ref).startsWith('refs/tags/')),
    'shop/gitops',
  );
  payload.ref = `refs/tags/${tag}`;
  payload.after = fake.git.branches.get('main');
  payload.deleted = false;
  payload.created = true;
  return payload;
}

describe('gantry serve: GitHub App', () => {
  it('keeps the newest release when tag deliveries arrive newest first, 15 ms apart', async () => {
    for (let patch = 12; patch >= 1; patch--) {
      expect((await deliverGitHub(server.url, 'push', tagPush(`v5.0.${patch}`))).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await server.runner.idle();
    expect(fake.pulls.map((p) => p.title)).toEqual(['Release web to dev: 1.5.0-rc.1 → 5.0.12']);
    expect(parsePromotionBody(fake.pulls[0]!.body)!.targets[0]!.to).toEqual({ tag: '5.0.12' });
  });

  it('answers a signed tag push with one release PR, and sends well-formed requests', async () => {
    const response = await deliverGitHub(server.url, 'push', tagPush('v1.6.0'));
    expect(response.status).toBe(202);
    await server.runner.idle();
    expect(fake.pulls.map((p) => [p.head, p.base, p.title])).toEqual([
      ['gantry/dev/web', 'main', 'Release web to dev: 1.5.0-rc.1 → 1.6.0'],
    ]);
    expect(parsePromotionBody(fake.pulls[0]!.body)).toMatchObject({
      environment: 'dev',
      source: 'shop/gitops@v1.6.0',
    });
    expectWellFormed(fake);
    expect(sent(forgeCalls())).toMatchSnapshot();
  });

  it('handles a replayed delivery and concurrent triggers as one: one branch, one PR', async () => {
    const payload = tagPush('v1.6.0');
    await deliverGitHub(server.url, 'push', payload, { delivery: 'same' });
    // Answered 202 once accepted as a job; the work runs right after.
    await server.runner.idle();
    const writes = () =>
      forgeCalls().filter(
        (r) =>
          r.method !== 'GET' &&
          !(r.path === '/graphql' && /^\s*query/.test(String((r.body as { query?: string }).query))),
      );
    const afterFirst = writes().length;
    for (let i = 0; i < 3; i++)
      expect((await deliverGitHub(server.url, 'push', payload, { delivery: 'same' })).status).toBe(202);
    await Promise.all(Array.from({ length: 5 }, () => deliverGitHub(server.url, 'push', tagPush('v1.6.0'))));
    await server.runner.idle();
    expect(writes()).toHaveLength(afterFirst);
    expect(fake.pulls).toHaveLength(1);
    expect([...fake.git.branches.keys()].filter((b) => b.startsWith('gantry/'))).toEqual(['gantry/dev/web']);
  });

  it('opens the next environment PR when a promotion PR is merged', async () => {
    await deliverGitHub(server.url, 'push', tagPush('v1.6.0'));
    await server.runner.idle();
    const pr = fake.pulls[0]!;
    // Merge it on the fake: the base branch moves to the PR head.
    fake.git.branches.set('main', fake.git.branches.get(pr.head)!);
    pr.state = 'closed';
    pr.merged = true;
    const payload = inRepository(
      githubExample('pull_request', (p) => p.action === 'closed'),
      'shop/gitops',
    );
    payload.pull_request = {
      ...payload.pull_request,
      number: pr.number,
      merged: true,
      merge_commit_sha: fake.git.branches.get('main'),
      body: pr.body,
      head: { ...payload.pull_request.head, ref: pr.head },
      base: { ...payload.pull_request.base, ref: 'main' },
    };
    expect((await deliverGitHub(server.url, 'pull_request', payload)).status).toBe(202);
    await server.runner.idle();
    expect(fake.pulls.map((p) => p.head)).toEqual(['gantry/dev/web', 'gantry/staging/web']);
    expect(fake.comments.map((c) => c.issue)).toEqual([pr.number]);
    expectWellFormed(fake);
  });

  it('sets gantry/config to failure with file:line when an invalid .gantry.yml reaches the default branch', async () => {
    const broken = monorepo()['.gantry.yml']!.replace('after: dev', 'after: qa');
    const sha = fake.git.push('main', { '.gantry.yml': broken }, 'break the config');
    const payload = inRepository(
      githubExample('push', (p) => p.ref === 'refs/heads/master'),
      'shop/gitops',
    );
    payload.ref = 'refs/heads/main';
    payload.after = sha;
    payload.commits = [{ ...payload.commits?.[0], added: [], removed: [], modified: ['.gantry.yml'] }];
    await deliverGitHub(server.url, 'push', payload);
    await server.runner.idle();
    expect(fake.statuses).toEqual([
      {
        sha,
        state: 'failure',
        context: 'gantry/config',
        description: expect.stringMatching(
          /^\.gantry\.yml:\d+:12: environments\[1\]\.after: "qa" is not an environment/,
        ),
      },
    ]);
  });

  it('refuses bad signatures, garbage and oversized bodies with 4xx and no forge call, and stays up', async () => {
    const payload = tagPush('v9.9.9');
    const badSignature = await deliverGitHub(server.url, 'push', payload, {
      signature: sign('something else'),
    });
    const wrongSecret = await deliverGitHub(server.url, 'push', payload, {
      signature: sign(JSON.stringify(payload), 'not-the-secret'),
    });
    const garbage = await fetch(`${server.url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'g',
        'x-hub-signature-256': sign('{not json'),
      },
      body: '{not json',
    });
    const huge = 'x'.repeat(26 * 1024 * 1024);
    const oversized = await fetch(`${server.url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'h',
        'x-hub-signature-256': sign(huge),
      },
      body: huge,
    });
    expect(oversized.status).toBe(413);
    for (const status of [badSignature.status, wrongSecret.status, garbage.status]) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    await server.runner.idle();
    expect(forgeCalls()).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('exposes deliveries, durations and forge calls on /metrics', async () => {
    await deliverGitHub(server.url, 'push', tagPush('v1.6.0'));
    await server.runner.idle();
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(
      /gantry_webhook_deliveries_total\{forge="github",event="push",outcome="created"\} 1/,
    );
    expect(text).toMatch(/gantry_forge_calls_total\{forge="github",endpoint="commit",status="ok"\} 1/);
    expect(text).toMatch(/gantry_promotions_total\{action="created"\} 1/);
    expect(text).toMatch(/gantry_handler_duration_seconds_count\{forge="github",event="push"\} 1/);
  });

  it('runs /gantry commands from PR comments for authorised users, and refuses others without changing anything', async () => {
    await deliverGitHub(server.url, 'push', tagPush('v1.6.0'));
    await server.runner.idle();
    fake.permissions.set('alice', { permission: 'write', role_name: 'write' });
    fake.permissions.set('mallory', { permission: 'read', role_name: 'read' });
    const comment = (login: string, body: string, id: number) => {
      const payload = inRepository(
        githubExample('issue_comment', (p) => p.action === 'created'),
        'shop/gitops',
      );
      payload.issue = {
        ...payload.issue,
        number: 1,
        pull_request: { url: 'https://api.github.test/repos/shop/gitops/pulls/1' },
      };
      payload.comment = {
        ...payload.comment,
        id,
        body,
        user: { ...payload.comment.user, login, type: 'User' },
      };
      payload.sender = { ...payload.sender, login, type: 'User' };
      return payload;
    };
    const pulls = () => fake.pulls.map((p) => p.head);
    const denied = await deliverGitHub(
      server.url,
      'issue_comment',
      comment('mallory', '/gantry promote staging --app web', 9001),
    );
    expect(denied.status).toBe(202);
    await server.runner.idle();
    expect(pulls()).toEqual(['gantry/dev/web']);
    expect(fake.comments.at(-1)!.body).toMatch(/^😕/);
    await deliverGitHub(
      server.url,
      'issue_comment',
      comment('alice', 'Ship it:\n/gantry promote staging --app web', 9002),
    );
    await server.runner.idle();
    expect(pulls()).toEqual(['gantry/dev/web', 'gantry/staging/web']);
    expect(fake.comments.at(-1)!.body).toMatch(/^🚀/);
    expectWellFormed(fake);
  });
});
