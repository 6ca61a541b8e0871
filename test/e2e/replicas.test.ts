import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitLab } from '../support/fake-gitlab.ts';
import { type GantryProcess, startGantry, waitFor } from '../support/gantry-process.ts';
import { selfReleasingGitops } from '../support/gitops-fixture.ts';
import { bridgeTo, type Loopback } from '../support/loopback.ts';
import { type RunningRedis, startRedis } from '../support/redis.ts';

/**
 * Three real `gantry serve` processes on one real redis-server, GitLab being the in-process
 * fake behind a loopback bridge. Deliveries go round-robin; replays and concurrent deliveries
 * give one branch, one MR, one comment; a replica killed with SIGKILL in the middle of a
 * delivery (its MR create hung) leaves the job to another, which finishes it.
 */
const SECRET = 'replicas-webhook-secret';
let redis: RunningRedis;
const children: ChildProcess[] = [];
const bridges: Loopback[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(bridges.splice(0).map((b) => b.close()));
  // Each test starts from an empty Redis: no jobs, locks or remembered ids of the one before.
  await redis.command('FLUSHALL');
});
afterAll(async () => {
  await redis?.stop();
});

function deliver(replica: GantryProcess, event: string, payload: unknown, id: string) {
  return fetch(`${replica.url}/api/gitlab/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': event,
      'x-gitlab-token': SECRET,
      'x-gitlab-event-uuid': id,
      'idempotency-key': id,
    },
    body: JSON.stringify(payload),
  }).then((r) => r.status);
}

describe('three gantry serve replicas on one redis-server', () => {
  it('replays and concurrent deliveries: one branch, one MR, one comment; a replica killed mid-delivery: another finishes it', async () => {
    const files = selfReleasingGitops('shop/platform/gitops', 'pipeline');
    const fake = new FakeGitLab(files);
    for (const n of [0, 1, 2]) fake.tokens.add(`glpat-replica-${n}`);
    // The first create of the 1.7.0 MR hangs: whoever sends it is killed while it waits.
    let hungBy: string | undefined;
    let release: () => void = () => {};
    const bridge = await bridgeTo(FakeGitLab.origin, fake.http.agent, async (request, body) => {
      if (request.method !== 'POST' || !request.url?.endsWith('/merge_requests')) return;
      if (hungBy || !body.toString().includes('1.7.0')) return;
      hungBy = String(request.headers.authorization).replace(/^Bearer /, '');
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      throw new Error('the replica is gone'); // never forwarded: the MR was not created
    });
    bridges.push(bridge);
    const env = (n: number) => ({
      GITLAB_URL: bridge.url,
      GITLAB_TOKEN: `glpat-replica-${n}`,
      GITLAB_WEBHOOK_SECRET: SECRET,
      REDIS_URL: redis.url,
      GANTRY_JOB_LOCK_MS: '1000',
      GANTRY_RETRY_BASE_MS: '50',
      GANTRY_RETRY_MAX_MS: '200',
    });
    const replicas = await Promise.all([0, 1, 2].map((n) => startGantry(env(n), children)));
    const logs = () => replicas.map((r, i) => `--- replica ${i}\n${r.output.text}`).join('\n');
    expect(replicas[0]!.output.text).toContain('"jobs":"redis (BullMQ, durable)');
    const main = () => fake.git.branches.get('main')!;
    const pipeline = (tag: string) => ({
      object_kind: 'pipeline',
      object_attributes: { id: 7, ref: tag, tag: true, sha: main(), status: 'success' },
      project: { id: fake.projectId, path_with_namespace: fake.project, default_branch: 'main' },
    });
    const open = () => fake.mergeRequests.filter((m) => m.state === 'opened');

    // One delivery replayed to every replica, and two more deliveries of the same release,
    // all at once, round-robin.
    const statuses = await Promise.all([
      ...[0, 1, 2, 0, 1, 2].map((n) => deliver(replicas[n]!, 'Pipeline Hook', pipeline('v1.6.0'), 'evt-a')),
      deliver(replicas[1]!, 'Pipeline Hook', pipeline('v1.6.0'), 'evt-b'),
      deliver(replicas[2]!, 'Pipeline Hook', pipeline('v1.6.0'), 'evt-c'),
    ]);
    expect(statuses.every((s) => s === 202)).toBe(true);
    await waitFor(
      () =>
        open().length === 1 &&
        /"delivery":"gitlab\/evt-c"/.test(logs()) &&
        /"delivery":"gitlab\/evt-b"/.test(logs()),
      logs,
    );
    await waitFor(() => (logs().match(/Pipeline Hook: (created|unchanged)/g) ?? []).length >= 3, logs);
    expect(fake.mergeRequests.map((m) => m.source_branch)).toEqual(['gantry/dev/web']);
    expect([...fake.git.branches.keys()].filter((b) => b.startsWith('gantry/'))).toEqual(['gantry/dev/web']);
    // evt-a ran once, whichever replica took it.
    expect(logs().match(/"delivery":"gitlab\/evt-a"[^\n]*Pipeline Hook: /g)).toHaveLength(1);

    // The MR is merged; its merge hook is replayed to all three: one comment, one next MR.
    const mr = fake.mergeRequests[0]!;
    fake.git.branches.set('main', fake.git.branches.get(mr.source_branch)!);
    mr.state = 'merged';
    const merged = {
      object_kind: 'merge_request',
      project: { id: fake.projectId, path_with_namespace: fake.project, default_branch: 'main' },
      object_attributes: {
        iid: mr.iid,
        action: 'merge',
        source_branch: mr.source_branch,
        target_branch: 'main',
        merge_commit_sha: main(),
        description: mr.description,
      },
    };
    await Promise.all([0, 1, 2].map((n) => deliver(replicas[n]!, 'Merge Request Hook', merged, 'evt-merge')));
    await waitFor(() => open().some((m) => m.source_branch === 'gantry/staging/web'), logs);
    await waitFor(() => fake.notes.some((n) => n.iid === mr.iid), logs);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.notes.filter((n) => n.iid === mr.iid)).toHaveLength(1);
    expect(open().map((m) => m.source_branch)).toEqual(['gantry/staging/web']);

    // A new release; the replica that creates its MR is killed while the create hangs.
    await deliver(replicas[0]!, 'Pipeline Hook', pipeline('v1.7.0'), 'evt-kill');
    await waitFor(() => hungBy !== undefined, logs);
    const victim = replicas[Number(hungBy!.slice(-1))]!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    release();
    await waitFor(() => open().some((m) => m.title.includes('1.7.0')), logs, 20_000);
    const devs = fake.mergeRequests.filter(
      (m) => m.source_branch === 'gantry/dev/web' && m.state === 'opened',
    );
    expect(devs.map((m) => m.title)).toEqual(['Release web to dev: 1.6.0 → 1.7.0']);
    const survivors = replicas.filter((r) => r !== victim);
    expect(survivors.map((r) => r.output.text).join('')).toMatch(
      /"delivery":"gitlab\/evt-kill"[^\n]*Pipeline Hook: created/,
    );
    for (const r of survivors) r.child.kill('SIGTERM');
    expect(await Promise.all(survivors.map((r) => r.exited))).toEqual([0, 0]);
  }, 60_000);

  it('one replica, killed with SIGKILL while a delivery runs, started again: the accepted delivery runs', async () => {
    const files = selfReleasingGitops('shop/platform/gitops', 'pipeline');
    const fake = new FakeGitLab(files);
    let hung = false;
    let release: () => void = () => {};
    const bridge = await bridgeTo(FakeGitLab.origin, fake.http.agent, async (request) => {
      if (hung || request.method !== 'POST' || !request.url?.endsWith('/merge_requests')) return;
      hung = true;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      throw new Error('the process is gone');
    });
    bridges.push(bridge);
    const env = {
      GITLAB_URL: bridge.url,
      GITLAB_TOKEN: 'glpat-test',
      GITLAB_WEBHOOK_SECRET: SECRET,
      REDIS_URL: redis.url,
      GANTRY_JOB_LOCK_MS: '1000',
    };
    const first = await startGantry(env, children);
    const pipeline = {
      object_kind: 'pipeline',
      object_attributes: {
        id: 8,
        ref: 'v1.6.0',
        tag: true,
        sha: fake.git.branches.get('main'),
        status: 'success',
      },
      project: { id: fake.projectId, path_with_namespace: fake.project, default_branch: 'main' },
    };
    expect(await deliver(first, 'Pipeline Hook', pipeline, 'evt-restart')).toBe(202);
    await waitFor(
      () => hung,
      () => first.output.text,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    release();
    expect(fake.mergeRequests).toEqual([]);
    const second = await startGantry(env, children);
    await waitFor(
      () => fake.mergeRequests.length === 1,
      () => second.output.text,
      20_000,
    );
    expect(fake.mergeRequests.map((m) => [m.source_branch, m.title])).toEqual([
      ['gantry/dev/web', 'Release web to dev: 1.5.0-rc.1 → 1.6.0'],
    ]);
    expect(second.output.text).toMatch(/"delivery":"gitlab\/evt-restart"[^\n]*Pipeline Hook: created/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 40_000);
});
