import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGantryServer, type GantryServer } from '../../src/entry/server/server.ts';
import { repoRoot } from '../support/cli.ts';
import { FakeGitLab } from '../support/fake-gitlab.ts';
import { expectGitLabWellFormed } from '../support/gitlab-harness.ts';
import { selfReleasingGitops } from '../support/gitops-fixture.ts';
import { deliverGitLab } from '../support/webhooks.ts';

const SECRET = 'gitlab-e2e-secret';
const GROUP_SECRET = 'platform-group-secret';

/** A payload from GitLab's documentation (test/fixtures/gitlab-webhooks), pointed at the fake project. */
function documented(name: string, project: string): Record<string, any> {
  const payload = JSON.parse(
    readFileSync(join(repoRoot, 'test/fixtures/gitlab-webhooks', `${name}.json`), 'utf8'),
  );
  payload.project = { ...payload.project, path_with_namespace: project, default_branch: 'main' };
  return payload;
}

let fake: FakeGitLab;
let server: GantryServer;

beforeEach(async () => {
  const files = selfReleasingGitops('shop/platform/gitops', 'pipeline');
  fake = new FakeGitLab(files);
  server = await createGantryServer(
    {
      port: 0,
      host: '127.0.0.1',
      gitlab: {
        url: FakeGitLab.origin,
        token: 'glpat-test',
        // A group secret wins over the instance-wide one for projects under it.
        secrets: [
          { prefix: 'shop/platform', secret: GROUP_SECRET },
          { prefix: '', secret: SECRET },
        ],
      },
      botName: 'gantry',
      logLevel: 'silent',
    },
    { gitlabDispatcher: fake.http.agent, log: pino({ level: process.env.E2E_LOG ?? 'silent' }) },
  );
  await server.start();
});

afterEach(async () => {
  await server.stop();
});

function tagPipeline(tag: string) {
  const payload = documented('pipeline', fake.project);
  payload.object_attributes = {
    ...payload.object_attributes,
    ref: tag,
    tag: true,
    status: 'success',
    sha: fake.git.branches.get('main'),
  };
  return payload;
}

describe('gantry serve: GitLab receiver', () => {
  it('opens the release MR when a tag pipeline succeeds (deploy.trigger: pipeline), with documented requests', async () => {
    const response = await deliverGitLab(server.url, 'Pipeline Hook', tagPipeline('v1.6.0'), GROUP_SECRET);
    expect(response).toMatchObject({ status: 202 });
    await server.runner.idle();
    expect(fake.mergeRequests.map((m) => [m.source_branch, m.target_branch, m.title])).toEqual([
      ['gantry/dev/web', 'main', 'Release web to dev: 1.5.0-rc.1 → 1.6.0'],
    ]);
    expectGitLabWellFormed(fake);
  });

  it('ignores the tag push itself when the deploy waits for the pipeline, and failed pipelines', async () => {
    const tag = documented('tag_push', fake.project);
    tag.ref = 'refs/tags/v1.6.0';
    tag.after = fake.git.branches.get('main');
    expect((await deliverGitLab(server.url, 'Tag Push Hook', tag, GROUP_SECRET)).status).toBe(202);
    const failed = tagPipeline('v1.6.0');
    failed.object_attributes.status = 'failed';
    expect(await deliverGitLab(server.url, 'Pipeline Hook', failed, GROUP_SECRET)).toEqual({
      status: 200,
      text: '{"ignored":"pipeline failed"}',
    });
    await server.runner.idle();
    expect(fake.mergeRequests).toEqual([]);
  });

  it('promotes to the next environment when a promotion MR is merged', async () => {
    await deliverGitLab(server.url, 'Pipeline Hook', tagPipeline('v1.6.0'), GROUP_SECRET);
    await server.runner.idle();
    const mr = fake.mergeRequests[0]!;
    fake.git.branches.set('main', fake.git.branches.get(mr.source_branch)!);
    mr.state = 'merged';
    const merged = documented('merge_request', fake.project);
    merged.object_attributes = {
      ...merged.object_attributes,
      iid: mr.iid,
      action: 'merge',
      state: 'merged',
      source_branch: mr.source_branch,
      target_branch: 'main',
      description: mr.description,
      merge_commit_sha: fake.git.branches.get('main'),
    };
    expect((await deliverGitLab(server.url, 'Merge Request Hook', merged, GROUP_SECRET)).status).toBe(202);
    await server.runner.idle();
    expect(fake.mergeRequests.map((m) => m.source_branch)).toEqual(['gantry/dev/web', 'gantry/staging/web']);
    expect(fake.notes.filter((n) => n.iid === mr.iid)).toHaveLength(1);
    expectGitLabWellFormed(fake);
  });

  it('replays and concurrent deliveries yield one branch and one MR', async () => {
    const payload = tagPipeline('v1.6.0');
    await Promise.all(
      Array.from({ length: 6 }, () => deliverGitLab(server.url, 'Pipeline Hook', payload, GROUP_SECRET)),
    );
    await server.runner.idle();
    await deliverGitLab(server.url, 'Pipeline Hook', payload, GROUP_SECRET);
    await server.runner.idle();
    expect(fake.mergeRequests).toHaveLength(1);
    expect([...fake.git.branches.keys()].filter((b) => b.startsWith('gantry/'))).toEqual(['gantry/dev/web']);
  });

  it('refuses a wrong or missing token, a secret of another scope, garbage and oversized bodies: 4xx, zero forge calls', async () => {
    const payload = tagPipeline('v1.6.0');
    const answers = [
      await deliverGitLab(server.url, 'Pipeline Hook', payload, 'wrong'),
      await deliverGitLab(server.url, 'Pipeline Hook', payload, undefined),
      // The instance-wide secret does not open a project whose group has its own.
      await deliverGitLab(server.url, 'Pipeline Hook', payload, SECRET),
      await deliverGitLab(server.url, 'Pipeline Hook', '{"object_kind": "pipe', GROUP_SECRET),
      await deliverGitLab(
        server.url,
        'Pipeline Hook',
        JSON.stringify({ ...payload, pad: 'x'.repeat(6 * 1024 * 1024) }),
        GROUP_SECRET,
      ),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 400, 413]);
    await server.runner.idle();
    expect(fake.http.requests).toEqual([]);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('ignores pushes to other branches and reports an invalid .gantry.yml on the default branch', async () => {
    const other = documented('push', fake.project);
    other.ref = 'refs/heads/feature';
    expect((await deliverGitLab(server.url, 'Push Hook', other, GROUP_SECRET)).text).toBe(
      '{"ignored":"push to feature, not the default branch"}',
    );
    const sha = fake.git.push('main', { '.gantry.yml': 'version: 2\n' }, 'break');
    const push = documented('push', fake.project);
    push.ref = 'refs/heads/main';
    push.after = sha;
    push.commits = [{ ...push.commits[0], added: [], modified: ['.gantry.yml'], removed: [] }];
    expect((await deliverGitLab(server.url, 'Push Hook', push, GROUP_SECRET)).status).toBe(202);
    await server.runner.idle();
    expect(fake.statuses).toMatchObject([
      {
        sha,
        status: 'failed',
        name: 'gantry/config',
        description: '.gantry.yml:1:10: version: expected 1, got number 2',
      },
    ]);
  });

  it('runs /gantry commands from MR notes for Developers, and refuses Reporters without changing anything', async () => {
    await deliverGitLab(server.url, 'Pipeline Hook', tagPipeline('v1.6.0'), GROUP_SECRET);
    await server.runner.idle();
    const mr = fake.mergeRequests[0]!;
    fake.users.set('alice', 12);
    fake.members.set(12, { access_level: 30, state: 'active' });
    fake.users.set('mallory', 13);
    fake.members.set(13, { access_level: 20, state: 'active' });
    const note = (username: string, body: string, id: number) => ({
      object_kind: 'note',
      event_type: 'note',
      user: { id: 1, name: username, username },
      project_id: 42,
      project: documented('merge_request', fake.project).project,
      object_attributes: { id, note: body, noteable_type: 'MergeRequest', action: 'create', system: false },
      merge_request: {
        iid: mr.iid,
        source_branch: mr.source_branch,
        target_branch: 'main',
        source_project_id: 42,
        target_project_id: 42,
        description: mr.description,
      },
    });
    await deliverGitLab(
      server.url,
      'Note Hook',
      note('mallory', '/gantry promote staging --app web', 801),
      GROUP_SECRET,
    );
    await server.runner.idle();
    expect(fake.mergeRequests).toHaveLength(1);
    expect(fake.notes.at(-1)!.body).toMatch(/^😕/);
    await deliverGitLab(
      server.url,
      'Note Hook',
      note('alice', '/gantry promote staging --app web', 802),
      GROUP_SECRET,
    );
    await server.runner.idle();
    expect(fake.mergeRequests.map((m) => m.source_branch)).toEqual(['gantry/dev/web', 'gantry/staging/web']);
    expect(fake.notes.at(-1)!.body).toMatch(/^🚀/);
    expectGitLabWellFormed(fake);
  });

  it('on stop, finishes the work in flight before it closes, and refuses new deliveries meanwhile', async () => {
    // GitLab gets its 202 at once; the release runs in the background.
    expect(
      (await deliverGitLab(server.url, 'Pipeline Hook', tagPipeline('v1.6.0'), GROUP_SECRET)).status,
    ).toBe(202);
    const url = server.url;
    const stopping = server.stop();
    const late = await deliverGitLab(url, 'Pipeline Hook', tagPipeline('v1.7.0'), GROUP_SECRET).catch(() => ({
      status: 0,
    }));
    await stopping;
    expect(fake.mergeRequests.map((m) => m.title)).toEqual(['Release web to dev: 1.5.0-rc.1 → 1.6.0']);
    // Refused (503) or, once the listener closed, not connected at all — never accepted.
    expect([0, 503]).toContain(late.status);
    server = await createGantryServer(
      { port: 0, host: '127.0.0.1', botName: 'gantry', logLevel: 'silent' },
      { log: pino({ level: 'silent' }) },
    );
    await server.start(); // afterEach stops this one
  });
});
