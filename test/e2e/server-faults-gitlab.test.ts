import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGitLab } from '../support/fake-gitlab.ts';
import type { Fault } from '../support/fake-http.ts';
import { expectGitLabWellFormed } from '../support/gitlab-harness.ts';
import {
  deliverGitLabWithId,
  gitlabServer,
  gitlabTagPipeline,
  type ServerWorld,
} from '../support/server-world.ts';

/**
 * Issue #11 on GitLab, through the real server against the HTTP-level fake with faults as
 * GitLab and networks produce them: the release MR still appears, exactly once, and what
 * cannot succeed fails visibly.
 */
const COMMITS = '/api/v4/projects/:id/repository/commits';
const MRS = '/api/v4/projects/:id/merge_requests';

let world: ServerWorld<FakeGitLab>;
afterEach(async () => {
  await world?.server.stop();
});

const gantryBranches = (fake: FakeGitLab) =>
  [...fake.git.branches.keys()].filter((b) => b.startsWith('gantry/'));
const posts = (fake: FakeGitLab, path: RegExp) =>
  fake.http.requests.filter((r) => r.method === 'POST' && path.test(r.path));

async function release(fault: { method: string; path: string; faults: Fault[] }, id = 'evt-1') {
  world = await gitlabServer({
    retry: { baseMs: 1000, maxMs: 4000, deadlineMs: 600_000, scale: 0.02, random: () => 0.5 },
  });
  world.fake.http.fault(fault.method, fault.path, ...fault.faults);
  const answer = await deliverGitLabWithId(
    world.server.url,
    'Pipeline Hook',
    gitlabTagPipeline(world.fake, 'v1.6.0'),
    id,
  );
  expect(answer.status).toBe(202);
  await world.server.runner.idle();
  return world.fake;
}

function expectOneReleaseMr(fake: FakeGitLab) {
  expect(fake.mergeRequests.map((m) => [m.source_branch, m.state, m.title])).toEqual([
    ['gantry/dev/web', 'opened', 'Release web to dev: 1.5.0-rc.1 → 1.6.0'],
  ]);
  expect(gantryBranches(fake)).toEqual(['gantry/dev/web']);
  expect(fake.http.pendingFaults()).toBe(0);
}

describe('gantry serve on GitLab with forge faults', () => {
  it('a 500 on the first two commits is retried: one MR', async () => {
    const fake = await release({
      method: 'POST',
      path: COMMITS,
      faults: [
        { status: 500, body: { message: '500 Internal Server Error' } },
        { status: 500, body: { message: '500 Internal Server Error' } },
      ],
    });
    expectOneReleaseMr(fake);
    expect(posts(fake, /repository\/commits$/)).toHaveLength(3);
    expectGitLabWellFormed(fake);
  });

  it('a 409 on commit, a connection reset, and a lost commit response are retried: one MR, one commit', async () => {
    for (const fault of [
      { status: 409, body: { message: 'Could not update refs/heads/gantry/dev/web' } },
      { reset: true as const },
      { lost: true as const },
    ]) {
      const fake = await release({ method: 'POST', path: COMMITS, faults: [fault] });
      expectOneReleaseMr(fake);
      // The branch is one commit on main, whatever the first attempt left behind.
      const head = fake.git.commits.get(fake.git.branches.get('gantry/dev/web')!)!;
      expect(head.parents).toEqual([fake.git.branches.get('main')]);
      await world.server.stop();
    }
  });

  it('a slow answer past the request timeout is given up on and retried: one MR', async () => {
    world = await gitlabServer(
      { retry: { baseMs: 1000, maxMs: 4000, deadlineMs: 600_000, scale: 0.02, random: () => 0.5 } },
      { requestTimeoutMs: 200 },
    );
    const fake = world.fake;
    fake.http.fault('POST', MRS, { delayMs: 1500 });
    await deliverGitLabWithId(
      world.server.url,
      'Pipeline Hook',
      gitlabTagPipeline(fake, 'v1.6.0'),
      'evt-slow',
    );
    await world.server.runner.idle();
    expectOneReleaseMr(fake);
    expect(world.logs.find((l) => /retrying in/.test(l.msg))?.msg).toMatch(/timed out/);
  });

  it('a 429 with Retry-After on the GraphQL file read waits as asked, then releases', async () => {
    const fake = await release({
      method: 'POST',
      path: '/api/graphql',
      faults: [{ status: 429, headers: { 'retry-after': '10' }, body: { message: 'Retry later' } }],
    });
    expectOneReleaseMr(fake);
    const retry = world.logs.find((l) => /retrying in/.test(l.msg));
    expect(retry).toMatchObject({ delivery: 'gitlab/evt-1', waitMs: 10_000, attempt: 1 });
    const reads = fake.http.requests.filter((r) => r.path === '/api/graphql');
    // 10 s × the test's time scale (0.02): never sooner than asked.
    expect(reads[1]!.at! - reads[0]!.at!).toBeGreaterThanOrEqual(200);
    const metrics = await (await fetch(`${world.server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /gantry_delivery_retries_total\{forge="gitlab",event="Pipeline Hook",reason="retry-after"\} 1/,
    );
  });

  it('a 429 storm (11×) and a 500 on MR create leave no orphan: the retry finds the pushed branch and opens its MR', async () => {
    const limited: Fault = { status: 429, headers: { 'retry-after': '1' }, body: { message: 'Retry later' } };
    const fake = await release({
      method: 'POST',
      path: MRS,
      faults: [...Array.from({ length: 11 }, () => limited), { status: 500, body: { message: '500' } }],
    });
    expectOneReleaseMr(fake);
    expect(posts(fake, /merge_requests$/)).toHaveLength(13);
    // Each attempt after the first found the branch already there and only rebuilt it.
    expect(posts(fake, /repository\/commits$/).length).toBeGreaterThanOrEqual(1);
  });

  it('a 403 (a permission, not a limit) fails at once and visibly: gantry/release status on the tag commit, metric, log with the delivery id', async () => {
    const fake = await release(
      { method: 'POST', path: MRS, faults: [{ status: 403, body: { message: '403 Forbidden' } }] },
      'evt-403',
    );
    expect(fake.mergeRequests).toEqual([]);
    expect(posts(fake, /merge_requests$/)).toHaveLength(1);
    expect(fake.statuses).toMatchObject([
      {
        sha: fake.git.branches.get('main'),
        name: 'gantry/release',
        status: 'failed',
        description: expect.stringContaining('403 Forbidden'),
      },
    ]);
    const line = world.logs.find((l) => l.level === 50 && /failed for good/.test(l.msg));
    expect(line).toMatchObject({ delivery: 'gitlab/evt-403', reason: 'permanent' });
    const metrics = await (await fetch(`${world.server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /gantry_delivery_failures_total\{forge="gitlab",event="Pipeline Hook",reason="permanent"\} 1/,
    );
  });

  it('gives up at the deadline on a 500 storm, visibly', async () => {
    world = await gitlabServer({
      retry: { baseMs: 1000, maxMs: 2000, deadlineMs: 5000, scale: 0.02, random: () => 0.5 },
    });
    const fake = world.fake;
    fake.http.fault(
      'POST',
      MRS,
      ...Array.from({ length: 50 }, () => ({ status: 503, body: { message: '503' } })),
    );
    await deliverGitLabWithId(
      world.server.url,
      'Pipeline Hook',
      gitlabTagPipeline(fake, 'v1.6.0'),
      'evt-storm',
    );
    await world.server.runner.idle();
    expect(fake.mergeRequests).toEqual([]);
    const attempts = posts(fake, /merge_requests$/).length;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(10);
    expect(fake.statuses).toMatchObject([
      {
        name: 'gantry/release',
        status: 'failed',
        description: expect.stringMatching(/^gave up after \d+ attempts/),
      },
    ]);
    expect(world.logs.find((l) => /failed for good/.test(l.msg))).toMatchObject({ reason: 'deadline' });
  });

  it('replays of one delivery id while it waits for a retry are one job', async () => {
    world = await gitlabServer();
    const fake = world.fake;
    fake.http.fault('POST', MRS, { status: 502, body: { message: '502 Bad Gateway' } });
    const payload = gitlabTagPipeline(fake, 'v1.6.0');
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        deliverGitLabWithId(world.server.url, 'Pipeline Hook', payload, 'evt-r'),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    await world.server.runner.idle();
    await deliverGitLabWithId(world.server.url, 'Pipeline Hook', payload, 'evt-r');
    await world.server.runner.idle();
    expectOneReleaseMr(fake);
    expect(posts(fake, /merge_requests$/)).toHaveLength(2);
    // One job ran (twice: the 502, then the MR); no replay ran on its own.
    const runs = world.logs.filter((l) => /^gitlab Pipeline Hook: /.test(l.msg)).map((l) => l.action);
    expect(runs).toEqual(['created']);
    const metrics = await (await fetch(`${world.server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /gantry_webhook_deliveries_total\{forge="gitlab",event="Pipeline Hook",outcome="created"\} 1/,
    );
  });
});

describe('gantry serve stopping (SIGTERM)', () => {
  it('answers 503 on webhooks and /readyz while it drains, finishes the accepted delivery, then closes', async () => {
    world = await gitlabServer();
    const fake = world.fake;
    // A slow forge keeps the accepted delivery running while the server stops.
    fake.http.fault('POST', MRS, { delayMs: 600 });
    const url = world.server.url;
    expect(
      (await deliverGitLabWithId(url, 'Pipeline Hook', gitlabTagPipeline(fake, 'v1.6.0'), 'evt-drain'))
        .status,
    ).toBe(202);
    while (fake.http.injected.length === 0) await new Promise((r) => setTimeout(r, 10));
    const stopping = world.server.stop();
    const late = await deliverGitLabWithId(
      url,
      'Pipeline Hook',
      gitlabTagPipeline(fake, 'v1.7.0'),
      'evt-late',
    );
    expect(late).toEqual({ status: 503, text: '{"error":"shutting down"}' });
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await stopping;
    expect(fake.mergeRequests.map((m) => m.title)).toEqual(['Release web to dev: 1.5.0-rc.1 → 1.6.0']);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    world = await gitlabServer(); // afterEach stops this one
  });
});
