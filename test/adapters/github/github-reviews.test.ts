import { afterEach, describe, expect, it } from 'vitest';
import { COMMENTS_QUERY } from '../../../src/adapters/github/comments.ts';
import { GitHubForge } from '../../../src/adapters/github/github-forge.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/core/errors.ts';
import type { FakeGitHub } from '../../support/fake-github.ts';
import { schemaErrors } from '../../support/fake-github-graphql.ts';
import { expectWellFormed, githubWorld, REPO, sent } from '../../support/github-harness.ts';

let current: FakeGitHub | undefined;
afterEach(() => {
  if (current) expectWellFormed(current);
  current = undefined;
});

function world() {
  const w = githubWorld({ 'README.md': '# gitops\n' });
  current = w.fake;
  w.fake.git.branches.set('gantry/prod/web', w.fake.git.branches.get('main')!);
  return w;
}

const MARKER = '<!-- gantry:canary -->';

describe('GitHubForge pull requests', () => {
  it('creates a labelled PR and finds it by its head branch, ignoring a fork with the same branch name', async () => {
    const { fake, forge } = world();
    fake.pulls.push({
      number: 1,
      title: 'fork',
      body: '',
      head: 'gantry/prod/web',
      base: 'main',
      state: 'open',
      merged: false,
      author: 'mallory',
      fork: true,
      labels: [],
    });
    expect(await forge.findPullRequest(REPO, 'gantry/prod/web')).toBeNull();
    const created = await forge.createPullRequest(REPO, {
      head: 'gantry/prod/web',
      base: 'main',
      title: 'Promote web to prod',
      body: 'body',
      draft: true,
      labels: ['gantry', 'prod'],
    });
    expect(created).toMatchObject({
      number: 2,
      head: 'gantry/prod/web',
      base: 'main',
      state: 'open',
      fromFork: false,
      author: 'gantry[bot]',
    });
    expect(fake.pulls[1]!.labels).toEqual(['gantry', 'prod']);
    expect(await forge.findPullRequest(REPO, 'gantry/prod/web')).toMatchObject({
      number: 2,
      url: expect.stringContaining('/pull/2'),
    });
    expect(sent(fake.http.requests)).toMatchSnapshot();
  });

  it('refuses a second PR for the same head with ConflictError (a concurrent trigger won)', async () => {
    const { forge } = world();
    const draft = { head: 'gantry/prod/web', base: 'main', title: 't', body: 'b' };
    await forge.createPullRequest(REPO, draft);
    await expect(forge.createPullRequest(REPO, draft)).rejects.toBeInstanceOf(ConflictError);
  });

  it('gets and updates a PR; merged and fork PRs say so', async () => {
    const { fake, forge } = world();
    fake.pulls.push({
      number: 7,
      title: 'old',
      body: '',
      head: 'gantry/prod/web',
      base: 'main',
      state: 'closed',
      merged: true,
      author: 'gantry[bot]',
      fork: false,
      labels: [],
    });
    fake.pulls.push({
      number: 8,
      title: 'fork',
      body: '',
      head: 'feature',
      base: 'main',
      state: 'open',
      merged: false,
      author: 'mallory',
      fork: true,
      labels: [],
    });
    expect(await forge.getPullRequest(REPO, 7)).toMatchObject({
      state: 'merged',
      headSha: fake.git.branches.get('gantry/prod/web'),
    });
    expect(await forge.getPullRequest(REPO, 8)).toMatchObject({
      state: 'open',
      fromFork: true,
      author: 'mallory',
    });
    expect(await forge.updatePullRequest(REPO, 7, { body: 'new body' })).toMatchObject({
      title: 'old',
      body: 'new body',
    });
    expect(fake.http.requests.at(-1)!.body).toEqual({ body: 'new body' });
    await expect(forge.getPullRequest(REPO, 99)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('GitHubForge comments', () => {
  it('sends a schema-valid comment query', () => {
    expect(schemaErrors(COMMENTS_QUERY)).toEqual([]);
  });

  it('creates the sticky comment once, then edits it in place', async () => {
    const { fake, forge } = world();
    fake.pulls.push({
      number: 1,
      title: 't',
      body: '',
      head: 'gantry/prod/web',
      base: 'main',
      state: 'open',
      merged: false,
      author: 'gantry[bot]',
      fork: false,
      labels: [],
    });
    const first = await forge.upsertComment(REPO, 1, MARKER, `${MARKER}\nverdict: pass`);
    const second = await forge.upsertComment(REPO, 1, MARKER, `${MARKER}\nverdict: fail`);
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, url: first.url, created: false });
    expect(fake.comments.map((c) => c.body)).toEqual([`${MARKER}\nverdict: fail`]);
    expect(sent(fake.http.requests)).toMatchSnapshot();
  });

  it('reads back its own sticky comment with its body, never one someone else wrote', async () => {
    const { fake, forge } = world();
    fake.pulls.push({
      number: 1,
      title: 't',
      body: '',
      head: 'h',
      base: 'main',
      state: 'open',
      merged: false,
      author: 'a',
      fork: false,
      labels: [],
    });
    fake.comments.push({ id: 1, issue: 1, body: `${MARKER} forged`, author: 'mallory', reactions: [] });
    expect(await forge.findComment(REPO, 1, MARKER)).toBeNull();
    const posted = await forge.upsertComment(REPO, 1, MARKER, `${MARKER}\nstate: 3`);
    expect(await forge.findComment(REPO, 1, MARKER)).toEqual({
      id: posted.id,
      url: posted.url,
      body: `${MARKER}\nstate: 3`,
    });
  });

  it('never takes over a comment someone else wrote with the marker in it', async () => {
    const { fake, forge } = world();
    fake.pulls.push({
      number: 1,
      title: 't',
      body: '',
      head: 'h',
      base: 'main',
      state: 'open',
      merged: false,
      author: 'a',
      fork: false,
      labels: [],
    });
    fake.comments.push({ id: 1, issue: 1, body: `${MARKER} hijack`, author: 'mallory', reactions: [] });
    const result = await forge.upsertComment(REPO, 1, MARKER, 'report');
    expect(result.created).toBe(true);
    expect(fake.comments.map((c) => [c.author, c.body])).toEqual([
      ['mallory', `${MARKER} hijack`],
      ['gantry[bot]', `report\n\n${MARKER}`],
    ]);
  });

  it('walks older pages newest-first until it finds its comment', async () => {
    const { fake, forge } = world();
    fake.pulls.push({
      number: 1,
      title: 't',
      body: '',
      head: 'h',
      base: 'main',
      state: 'open',
      merged: false,
      author: 'a',
      fork: false,
      labels: [],
    });
    fake.comments.push({ id: 1, issue: 1, body: `${MARKER} old`, author: fake.viewer, reactions: [] });
    for (let i = 0; i < 250; i++)
      fake.comments.push({ id: 10 + i, issue: 1, body: `chatter ${i}`, author: 'dev', reactions: [] });
    const result = await forge.upsertComment(REPO, 1, MARKER, `${MARKER} new`);
    expect(result).toMatchObject({ id: 1, created: false });
    expect(fake.http.calls()).toEqual([
      'POST /graphql',
      'POST /graphql',
      'POST /graphql',
      'PATCH /repos/shop/gitops/issues/comments/1',
    ]);
  });

  it('posts plain comments and reactions on comments and on the PR', async () => {
    const { fake, forge } = world();
    fake.pulls.push({
      number: 3,
      title: 't',
      body: '',
      head: 'h',
      base: 'main',
      state: 'open',
      merged: false,
      author: 'a',
      fork: false,
      labels: [],
    });
    const comment = await forge.createComment(REPO, 3, 'on it');
    await forge.addReaction(REPO, { kind: 'comment', id: comment.id, pullRequest: 3 }, 'eyes');
    await forge.addReaction(REPO, { kind: 'comment', id: comment.id, pullRequest: 3 }, 'eyes');
    await forge.addReaction(REPO, { kind: 'pull-request', pullRequest: 3 }, '+1');
    expect(fake.comments[0]!.reactions).toEqual(['eyes']);
    expect(fake.pullReactions).toEqual([{ issue: 3, content: '+1' }]);
    expect(comment.url).toContain('#issuecomment-');
  });
});

describe('GitHubForge statuses, permissions, teams, links', () => {
  it('sets a commit status, shortening a description GitHub would refuse', async () => {
    const { fake, forge } = world();
    await forge.setCommitStatus(REPO, 'a'.repeat(40), {
      context: 'gantry/canary',
      state: 'failure',
      description: 'x'.repeat(200),
      targetUrl: 'https://gantry.example.com/r/1',
    });
    expect(fake.statuses).toEqual([
      {
        sha: 'a'.repeat(40),
        state: 'failure',
        context: 'gantry/canary',
        description: `${'x'.repeat(139)}…`,
        target_url: 'https://gantry.example.com/r/1',
      },
    ]);
  });

  it('maps collaborator roles onto the port scale, keeping GitHub’s word', async () => {
    const { fake, forge } = world();
    fake.permissions.set('ann', { permission: 'admin', role_name: 'admin' });
    fake.permissions.set('max', { permission: 'write', role_name: 'maintain' });
    fake.permissions.set('tri', { permission: 'read', role_name: 'triage' });
    fake.permissions.set('cus', { permission: 'write', role_name: 'deployer' });
    fake.permissions.set('out', { permission: 'none', role_name: '' });
    const levels = await Promise.all(
      ['ann', 'max', 'tri', 'cus', 'out', 'ghost'].map((u) => forge.getPermission(REPO, u)),
    );
    expect(levels).toEqual([
      { level: 'admin', raw: 'admin' },
      { level: 'maintain', raw: 'maintain' },
      { level: 'read', raw: 'triage' },
      { level: 'write', raw: 'deployer' },
      { level: 'none', raw: 'none' },
      { level: 'none', raw: 'none' },
    ]);
  });

  it('counts only active team memberships and refuses a malformed team', async () => {
    const { fake, forge } = world();
    fake.teams.set(
      'shop/sre',
      new Map([
        ['ann', 'active'],
        ['bob', 'pending'],
      ] as const),
    );
    expect(await forge.isTeamMember('@shop/sre', 'ann')).toBe(true);
    expect(await forge.isTeamMember('shop/sre', 'bob')).toBe(false);
    expect(await forge.isTeamMember('shop/sre', 'eve')).toBe(false);
    await expect(forge.isTeamMember('sre', 'ann')).rejects.toBeInstanceOf(ValidationError);
  });

  it('builds compare links for github.com and for GitHub Enterprise Server', () => {
    const { forge } = world();
    // An API URL that is neither api.github.com nor …/api/v3 is taken as the web URL as is.
    expect(forge.compareUrl(REPO, 'v1.0.0', 'gantry/prod/web')).toBe(
      'https://api.github.test/shop/gitops/compare/v1.0.0...gantry/prod/web',
    );
    const dotcom = new GitHubForge({
      request: { endpoint: { DEFAULTS: { baseUrl: 'https://api.github.com' } } },
    } as never);
    expect(dotcom.compareUrl('shop/web', 'v1', 'v2')).toBe('https://github.com/shop/web/compare/v1...v2');
    const ghes = new GitHubForge({
      request: { endpoint: { DEFAULTS: { baseUrl: 'https://ghe.corp/api/v3' } } },
    } as never);
    expect(ghes.compareUrl('shop/web', 'a b', 'c#d')).toBe('https://ghe.corp/shop/web/compare/a%20b...c%23d');
  });
});
