import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../support/fake-github.ts';
import type { Fault } from '../support/fake-http.ts';
import { expectWellFormed } from '../support/github-harness.ts';
import { githubServer, githubTagPush, type ServerWorld } from '../support/server-world.ts';
import { deliverGitHub } from '../support/webhooks.ts';

/**
 * Issue #11 on GitHub, through the real server (Probot) against the HTTP-level fake with
 * faults as GitHub documents them ("Rate limits for the REST API": 403/429 with retry-after,
 * x-ratelimit-remaining/x-ratelimit-reset; 5xx; lost responses).
 */
const PULLS = '/repos/:owner/:repo/pulls';

let world: ServerWorld<FakeGitHub>;
afterEach(async () => {
  await world?.server.stop();
});

const posts = (fake: FakeGitHub, path: RegExp) =>
  fake.http.requests.filter((r) => r.method === 'POST' && path.test(r.path));
const gantryBranches = (fake: FakeGitHub) =>
  [...fake.git.branches.keys()].filter((b) => b.startsWith('gantry/'));

async function release(method: string, path: string, faults: Fault[], delivery = 'gh-1') {
  world = await githubServer({
    retry: { baseMs: 1000, maxMs: 4000, deadlineMs: 600_000, scale: 0.02, random: () => 0.5 },
  });
  world.fake.http.fault(method, path, ...faults);
  const answer = await deliverGitHub(world.server.url, 'push', githubTagPush(world.fake, 'v1.6.0'), {
    delivery,
  });
  expect(answer.status).toBe(202);
  await world.server.runner.idle();
  return world.fake;
}

function expectOneReleasePr(fake: FakeGitHub) {
  expect(fake.pulls.map((p) => [p.head, p.state, p.title])).toEqual([
    ['gantry/dev/web', 'open', 'Release web to dev: 1.5.0-rc.1 → 1.6.0'],
  ]);
  expect(gantryBranches(fake)).toEqual(['gantry/dev/web']);
  expect(fake.http.pendingFaults()).toBe(0);
}

const secondary = (retryAfter?: string): Fault => ({
  status: 403,
  headers: retryAfter ? { 'retry-after': retryAfter } : {},
  body: {
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    documentation_url:
      'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    status: '403',
  },
});

describe('gantry serve on GitHub with forge faults', () => {
  it('a 403 secondary rate limit with retry-after on PR create is waited out and retried: one PR, no orphan', async () => {
    const fake = await release('POST', PULLS, [secondary('5')]);
    expectOneReleasePr(fake);
    const retry = world.logs.find((l) => /retrying in/.test(l.msg));
    expect(retry).toMatchObject({ delivery: 'github/gh-1', waitMs: 5000 });
    const creates = posts(fake, /\/pulls$/);
    expect(creates).toHaveLength(2);
    expect(creates[1]!.at! - creates[0]!.at!).toBeGreaterThanOrEqual(100);
    expectWellFormed(fake);
  });

  it('a 429 with retry-after: 2 waits 2 s (not 1 s), and a secondary limit without retry-after waits a minute', async () => {
    const fake = await release('POST', PULLS, [
      { status: 429, headers: { 'retry-after': '2' }, body: { message: 'Too Many Requests' } },
      secondary(),
    ]);
    expectOneReleasePr(fake);
    const waits = world.logs.filter((l) => /retrying in/.test(l.msg)).map((l) => l.waitMs);
    expect(waits).toEqual([2000, 60_000]);
  });

  it('a primary limit (403, x-ratelimit-remaining 0) waits until x-ratelimit-reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3;
    const fake = await release('POST', '/repos/:owner/:repo/git/commits', [
      {
        status: 403,
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-limit': '5000',
          'x-ratelimit-reset': String(reset),
        },
        body: { message: 'API rate limit exceeded for installation ID 1.', status: '403' },
      },
    ]);
    expectOneReleasePr(fake);
    const wait = world.logs.find((l) => /retrying in/.test(l.msg))!.waitMs as number;
    expect(wait).toBeGreaterThan(1000);
    expect(wait).toBeLessThanOrEqual(3000);
  });

  it('5xx on the commit, a reset GraphQL read and a lost createRef response are retried: one PR', async () => {
    for (const [path, faults] of [
      [
        '/repos/:owner/:repo/git/commits',
        [
          { status: 500, body: { message: 'Server Error' } },
          { status: 502, body: {} },
        ],
      ],
      ['/graphql', [{ reset: true }]],
      ['/repos/:owner/:repo/git/refs', [{ lost: true }]],
    ] as Array<[string, Fault[]]>) {
      const fake = await release('POST', path, faults);
      expectOneReleasePr(fake);
      await world.server.stop();
    }
  });

  it('a slow answer past the request timeout is given up on and retried: one PR', async () => {
    world = await githubServer(
      { retry: { baseMs: 1000, maxMs: 4000, deadlineMs: 600_000, scale: 0.02, random: () => 0.5 } },
      { requestTimeoutMs: 200 },
    );
    const fake = world.fake;
    fake.http.fault('POST', PULLS, { delayMs: 1500 });
    await deliverGitHub(world.server.url, 'push', githubTagPush(fake, 'v1.6.0'), { delivery: 'gh-slow' });
    await world.server.runner.idle();
    expectOneReleasePr(fake);
    expect(world.logs.some((l) => /retrying in/.test(l.msg))).toBe(true);
  });

  it('a 422 on PR create fails at once and visibly: gantry/release error on the tag commit, metric, log', async () => {
    const fake = await release(
      'POST',
      PULLS,
      [
        {
          status: 422,
          body: { message: 'Validation Failed', errors: [{ message: 'base is invalid' }], status: '422' },
        },
      ],
      'gh-422',
    );
    expect(fake.pulls).toEqual([]);
    expect(posts(fake, /\/pulls$/)).toHaveLength(1);
    expect(fake.statuses).toMatchObject([
      {
        sha: fake.git.branches.get('main'),
        context: 'gantry/release',
        state: 'error',
        description: expect.stringContaining('base is invalid'),
      },
    ]);
    expect(world.logs.find((l) => /failed for good/.test(l.msg))).toMatchObject({
      delivery: 'github/gh-422',
      reason: 'permanent',
    });
    const metrics = await (await fetch(`${world.server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /gantry_delivery_failures_total\{forge="github",event="push",reason="permanent"\} 1/,
    );
  });

  it('the branch a failed delivery left without its PR is proposed by the periodic sweep', async () => {
    world = await githubServer(
      { retry: { baseMs: 1000, maxMs: 4000, deadlineMs: 600_000, scale: 0.02, random: () => 0.5 } },
      { sweepMs: 400 },
    );
    const fake = world.fake;
    fake.http.fault('POST', PULLS, { status: 422, body: { message: 'Validation Failed', status: '422' } });
    await deliverGitHub(world.server.url, 'push', githubTagPush(fake, 'v1.6.0'), { delivery: 'gh-orphan' });
    await world.server.runner.idle();
    expect(fake.pulls).toEqual([]);
    expect(gantryBranches(fake)).toEqual(['gantry/dev/web']);
    const deadline = Date.now() + 5000;
    while (fake.pulls.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fake.pulls.map((p) => [p.head, p.base, p.title])).toEqual([
      ['gantry/dev/web', 'main', 'Release web to dev: 1.5.0-rc.1 → 1.6.0'],
    ]);
    const metrics = await (await fetch(`${world.server.url}/metrics`)).text();
    expect(metrics).toMatch(/gantry_orphan_branches_total\{forge="github",action="opened"\} 1/);
    expectWellFormed(fake);
  });
});
