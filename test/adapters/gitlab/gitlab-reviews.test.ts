import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../src/core/errors.ts';
import type { FakeGitLab } from '../../support/fake-gitlab.ts';
import { sent } from '../../support/github-harness.ts';
import { checkGitLabRequest } from '../../support/gitlab-api.ts';
import { expectGitLabWellFormed, gitlabWorld, PROJECT } from '../../support/gitlab-harness.ts';

let current: FakeGitLab | undefined;
afterEach(() => {
  if (current) expectGitLabWellFormed(current);
  current = undefined;
});

function world() {
  const w = gitlabWorld({ 'README.md': '# gitops\n' });
  current = w.fake;
  w.fake.git.branches.set('gantry/prod/web', w.fake.git.branches.get('main')!);
  return w;
}

const MARKER = '<!-- gantry:canary -->';
const mr = (iid: number, extra: Partial<FakeGitLab['mergeRequests'][number]> = {}) => ({
  iid,
  title: 't',
  description: '',
  source_branch: 'gantry/prod/web',
  target_branch: 'main',
  state: 'opened' as const,
  author: 'dev',
  fork: false,
  labels: [],
  awards: [],
  ...extra,
});

describe('GitLab request checker', () => {
  it('flags undocumented endpoints, missing and unknown parameters', () => {
    const request = {
      origin: '',
      method: 'POST',
      path: '/api/v4/projects/1/merge_requests',
      query: {},
      body: { title: 't', colour: 'red' },
      headers: {},
    };
    expect(checkGitLabRequest(request, '')).toEqual([
      'POST /projects/1/merge_requests: missing required parameter "source_branch" (merge_requests.md#create-mr)',
      'POST /projects/1/merge_requests: missing required parameter "target_branch" (merge_requests.md#create-mr)',
      'POST /projects/1/merge_requests: undocumented parameter "colour" (merge_requests.md#create-mr)',
    ]);
    expect(checkGitLabRequest({ ...request, path: '/api/v4/projects/1/nope' }, '')).toHaveLength(1);
  });
});

describe('GitLabForge merge requests', () => {
  it('creates a labelled draft MR in one call and finds it by source branch, ignoring forks', async () => {
    const { fake, forge } = world();
    fake.mergeRequests.push(mr(1, { fork: true, author: 'mallory' }));
    expect(await forge.findPullRequest(PROJECT, 'gantry/prod/web')).toBeNull();
    const created = await forge.createPullRequest(PROJECT, {
      head: 'gantry/prod/web',
      base: 'main',
      title: 'Promote web to prod',
      body: 'body',
      draft: true,
      labels: ['gantry', 'prod'],
    });
    expect(created).toMatchObject({
      number: 2,
      title: 'Draft: Promote web to prod',
      state: 'open',
      fromFork: false,
      author: 'gantry-bot',
    });
    expect(fake.mergeRequests[1]!.labels).toEqual(['gantry', 'prod']);
    expect(await forge.findPullRequest(PROJECT, 'gantry/prod/web')).toMatchObject({
      number: 2,
      url: 'https://gitlab.test/shop/platform/gitops/-/merge_requests/2',
    });
    expect(sent(fake.http.requests)).toMatchSnapshot();
  });

  it('refuses a second MR for the same branches with ConflictError', async () => {
    const { forge } = world();
    const draft = { head: 'gantry/prod/web', base: 'main', title: 't', body: 'b' };
    await forge.createPullRequest(PROJECT, draft);
    await expect(forge.createPullRequest(PROJECT, draft)).rejects.toBeInstanceOf(ConflictError);
  });

  it('gets and updates an MR; merged and fork MRs say so', async () => {
    const { fake, forge } = world();
    fake.mergeRequests.push(mr(1, { state: 'merged' }), mr(2, { fork: true, source_branch: 'feature' }));
    expect(await forge.getPullRequest(PROJECT, 1)).toMatchObject({
      state: 'merged',
      headSha: fake.git.branches.get('gantry/prod/web'),
    });
    expect(await forge.getPullRequest(PROJECT, 2)).toMatchObject({ fromFork: true });
    expect(await forge.updatePullRequest(PROJECT, 1, { body: 'new' })).toMatchObject({
      body: 'new',
      title: 't',
    });
    expect(fake.http.requests.at(-1)!.body).toEqual({ description: 'new' });
    await expect(forge.getPullRequest(PROJECT, 9)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('GitLabForge notes and award emoji', () => {
  it('creates the sticky note once, then edits it in place; only its own, non-system notes count', async () => {
    const { fake, forge } = world();
    fake.mergeRequests.push(mr(1));
    fake.notes.push({ id: 1, iid: 1, body: `${MARKER} hijack`, authorId: 5, system: false, awards: [] });
    fake.notes.push({ id: 2, iid: 1, body: `${MARKER} system`, authorId: 77, system: true, awards: [] });
    const first = await forge.upsertComment(PROJECT, 1, MARKER, `${MARKER}\npass`);
    const second = await forge.upsertComment(PROJECT, 1, MARKER, `${MARKER}\nfail`);
    expect(first.created).toBe(true);
    expect(second).toEqual({
      id: first.id,
      url: `https://gitlab.test/shop/platform/gitops/-/merge_requests/1#note_${first.id}`,
      created: false,
    });
    expect(fake.notes.map((n) => n.body)).toEqual([
      `${MARKER} hijack`,
      `${MARKER} system`,
      `${MARKER}\nfail`,
    ]);
    expect(fake.http.calls().filter((c) => c === 'GET /api/v4/user')).toHaveLength(1);
  });

  it('reads back its own sticky note with its body and link', async () => {
    const { fake, forge } = world();
    fake.mergeRequests.push(mr(1));
    fake.notes.push({ id: 1, iid: 1, body: `${MARKER} forged`, authorId: 5, system: false, awards: [] });
    expect(await forge.findComment(PROJECT, 1, MARKER)).toBeNull();
    const posted = await forge.upsertComment(PROJECT, 1, MARKER, `${MARKER}\nstate: 3`);
    expect(await forge.findComment(PROJECT, 1, MARKER)).toEqual({
      id: posted.id,
      url: posted.url,
      body: `${MARKER}\nstate: 3`,
    });
  });

  it('pages through notes newest-first until it finds its own', async () => {
    const { fake, forge } = world();
    fake.mergeRequests.push(mr(1));
    fake.notes.push({ id: 1, iid: 1, body: `old ${MARKER}`, authorId: 77, system: false, awards: [] });
    for (let i = 0; i < 150; i++)
      fake.notes.push({ id: 10 + i, iid: 1, body: `chatter ${i}`, authorId: 5, system: false, awards: [] });
    expect(await forge.upsertComment(PROJECT, 1, MARKER, `new ${MARKER}`)).toMatchObject({
      id: 1,
      created: false,
    });
    expect(fake.http.requests.filter((r) => r.path.endsWith('/notes')).map((r) => r.query)).toEqual([
      { order_by: 'created_at', page: '1', per_page: '100', sort: 'desc' },
      { order_by: 'created_at', page: '2', per_page: '100', sort: 'desc' },
    ]);
  });

  it('awards emoji on notes and on the MR, mapping names; awarding twice is fine', async () => {
    const { fake, forge } = world();
    fake.mergeRequests.push(mr(3));
    const note = await forge.createComment(PROJECT, 3, 'on it');
    await forge.addReaction(PROJECT, { kind: 'comment', id: note.id, pullRequest: 3 }, 'eyes');
    await forge.addReaction(PROJECT, { kind: 'comment', id: note.id, pullRequest: 3 }, 'eyes');
    for (const reaction of ['+1', '-1', 'rocket', 'confused'] as const) {
      await forge.addReaction(PROJECT, { kind: 'pull-request', pullRequest: 3 }, reaction);
    }
    expect(fake.notes[0]!.awards).toEqual(['eyes']);
    expect(fake.mergeRequests[0]!.awards).toEqual(['thumbsup', 'thumbsdown', 'rocket', 'confused']);
  });
});

describe('GitLabForge statuses, permissions, teams, links', () => {
  it('sets a named commit status; repeating a pending status is not an error', async () => {
    const { fake, forge } = world();
    const sha = fake.git.branches.get('main')!;
    const status = {
      context: 'gantry/canary',
      state: 'pending' as const,
      description: 'watching',
      targetUrl: 'https://gantry.example.com/r/1',
    };
    await forge.setCommitStatus(PROJECT, sha, status);
    await forge.setCommitStatus(PROJECT, sha, status);
    await forge.setCommitStatus(PROJECT, sha, { ...status, state: 'failure', description: 'x'.repeat(300) });
    expect(fake.statuses.map((s) => [s.name, s.status, String(s.description).length])).toEqual([
      ['gantry/canary', 'pending', 8],
      ['gantry/canary', 'failed', 255],
    ]);
    expect(fake.http.requests[0]!.body).toEqual({
      state: 'pending',
      name: 'gantry/canary',
      description: 'watching',
      target_url: 'https://gantry.example.com/r/1',
    });
  });

  it('maps access levels, inherited ones included, onto the port scale', async () => {
    const { fake, forge } = world();
    const levels: [string, number][] = [
      ['own', 50],
      ['mai', 40],
      ['dev', 30],
      ['rep', 20],
      ['gue', 10],
      ['min', 5],
    ];
    levels.forEach(([name, level], i) => {
      fake.users.set(name, 100 + i);
      fake.members.set(100 + i, { access_level: level, state: 'active' });
    });
    fake.users.set('awaiting', 200);
    fake.members.set(200, { access_level: 40, state: 'awaiting' });
    fake.users.set('stranger', 201);
    const answers = await Promise.all(
      [...levels.map(([n]) => n), 'awaiting', 'stranger', 'ghost'].map((u) =>
        forge.getPermission(PROJECT, u),
      ),
    );
    expect(answers).toEqual([
      { level: 'admin', raw: 'owner' },
      { level: 'maintain', raw: 'maintainer' },
      { level: 'write', raw: 'developer' },
      { level: 'read', raw: 'reporter' },
      { level: 'read', raw: 'guest' },
      { level: 'none', raw: 'minimal_access' },
      { level: 'none', raw: 'no_access' },
      { level: 'none', raw: 'no_access' },
      { level: 'none', raw: 'no_access' },
    ]);
    expect(fake.http.calls()).toContain('GET /api/v4/projects/shop%2Fplatform%2Fgitops/members/all/100');
  });

  it('has no teams and builds compare links for nested groups', async () => {
    const { fake, forge } = world();
    expect(await forge.isTeamMember('shop/sre', 'ann')).toBe(false);
    expect(fake.http.requests).toEqual([]);
    expect(forge.compareUrl(PROJECT, 'v1.0.0', 'gantry/prod/web')).toBe(
      'https://gitlab.test/shop/platform/gitops/-/compare/v1.0.0...gantry/prod/web',
    );
  });
});
