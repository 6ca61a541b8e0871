import { afterEach, describe, expect, it } from 'vitest';
import { filesQuery } from '../../../src/adapters/github/read-files.ts';
import { ConflictError, NotFoundError } from '../../../src/core/errors.ts';
import type { FakeGitHub } from '../../support/fake-github.ts';
import { schemaErrors } from '../../support/fake-github-graphql.ts';
import { expectWellFormed, githubWorld, REPO, sent } from '../../support/github-harness.ts';

const files = {
  'apps/web/envs/dev/values.yaml': 'image:\n  tag: "1.0.0"\n',
  'apps/web/envs/prod/values.yaml': 'image:\n  tag: "0.9.0"\n',
  'apps/web/envs/prod/run.sh': '#!/bin/sh\n',
  'README.md': '# gitops\n',
};

let current: FakeGitHub | undefined;
afterEach(() => {
  if (current) expectWellFormed(current);
  current = undefined;
});

function world() {
  const w = githubWorld(files);
  current = w.fake;
  return w;
}

describe('GitHubForge files', () => {
  it('sends schema-valid GraphQL for file reads with and without contents', () => {
    expect(schemaErrors(filesQuery(3, true))).toEqual([]);
    expect(schemaErrors(filesQuery(1, false))).toEqual([]);
    expect(schemaErrors('query { repository(owner: "a", name: "b") { nope } }')).not.toEqual([]);
  });

  it('reads many files at one commit in one query; missing files and directories are null', async () => {
    const { fake, forge } = world();
    const paths = ['apps/web/envs/dev/values.yaml', 'nope.yaml', 'apps/web/envs', 'README.md'];
    const snapshot = await forge.readFiles(REPO, paths, 'main');
    expect(snapshot.sha).toBe(fake.git.branches.get('main'));
    expect([...snapshot.files]).toEqual([
      ['apps/web/envs/dev/values.yaml', files['apps/web/envs/dev/values.yaml']],
      ['nope.yaml', null],
      ['apps/web/envs', null],
      ['README.md', '# gitops\n'],
    ]);
    expect(sent(fake.http.requests)).toMatchSnapshot();
  });

  it('splits more than 100 paths into queries pinned to the commit the first one resolved', async () => {
    const { fake, forge } = world();
    const paths = Array.from({ length: 150 }, (_, i) => `missing/${i}.yaml`).concat('README.md');
    const before = fake.git.branches.get('main');
    const snapshot = await forge.readFiles(REPO, paths, 'main');
    expect(snapshot.files.size).toBe(151);
    expect(snapshot.files.get('README.md')).toBe('# gitops\n');
    const revs = fake.http.requests.map((r) => (r.body as { variables: { rev: string } }).variables.rev);
    expect(revs).toEqual(['main', before]);
  });

  it('reads a file GraphQL withholds (binary, truncated) through the blob API', async () => {
    const { fake, forge } = world();
    fake.withheld.add('README.md');
    expect(await forge.readFile(REPO, 'README.md', 'main')).toBe('# gitops\n');
    expect(fake.http.calls()).toEqual([
      'POST /graphql',
      expect.stringMatching(/^GET \/repos\/shop\/gitops\/git\/blobs\//),
    ]);
  });

  it('says NotFoundError for an unknown ref or repository', async () => {
    const { forge } = world();
    await expect(forge.readFile(REPO, 'README.md', 'no-such-branch')).rejects.toBeInstanceOf(NotFoundError);
    await expect(forge.readFiles('shop/other', ['a'], 'main')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists a tree under a prefix', async () => {
    const { forge } = world();
    expect(await forge.listTree(REPO, 'main', 'apps/web/envs/prod')).toEqual([
      { path: 'apps/web/envs/prod/run.sh', type: 'file' },
      { path: 'apps/web/envs/prod/values.yaml', type: 'file' },
    ]);
  });

  it('answers branch heads and the default branch', async () => {
    const { fake, forge } = world();
    expect(await forge.branchHead(REPO, 'main')).toBe(fake.git.branches.get('main'));
    expect(await forge.branchHead(REPO, 'gantry/prod/web')).toBeNull();
    expect(await forge.defaultBranch(REPO)).toBe('main');
  });
});

describe('GitHubForge commit', () => {
  it('creates a branch with one tree, one commit and one ref, reusing what readFiles learnt', async () => {
    const { fake, forge } = world();
    const snapshot = await forge.readFiles(
      REPO,
      ['apps/web/envs/prod/values.yaml', 'apps/web/envs/prod/run.sh', 'README.md', 'gone.yaml'],
      'main',
    );
    fake.http.reset();
    const { sha } = await forge.commit(REPO, {
      branch: 'gantry/prod/web',
      parent: snapshot.sha,
      expectedHead: null,
      message: 'Promote web to prod',
      author: { name: 'gantry', email: 'gantry@example.com' },
      changes: [
        { path: 'apps/web/envs/prod/values.yaml', content: 'image:\n  tag: "1.0.0"\n' },
        { path: 'apps/web/envs/prod/run.sh', content: '#!/bin/sh\necho hi\n' },
        { path: 'README.md', content: null },
        { path: 'gone.yaml', content: null },
      ],
    });
    expect(fake.git.branches.get('gantry/prod/web')).toBe(sha);
    const commit = fake.git.commits.get(sha)!;
    expect(commit.parents).toEqual([snapshot.sha]);
    expect([...fake.git.filesAt(sha).keys()].sort()).toEqual([
      'apps/web/envs/dev/values.yaml',
      'apps/web/envs/prod/run.sh',
      'apps/web/envs/prod/values.yaml',
    ]);
    expect(sent(fake.http.requests)).toMatchSnapshot();
  });

  it('rebuilds an existing branch on its base with a compare-and-swap move (updateRefs beforeOid)', async () => {
    const { fake, forge } = world();
    const main = fake.git.branches.get('main')!;
    const first = await forge.commit(REPO, {
      branch: 'gantry/prod/web',
      parent: main,
      expectedHead: null,
      message: 'v1',
      changes: [{ path: 'apps/web/envs/prod/values.yaml', content: 'image:\n  tag: "1.0.0"\n' }],
    });
    fake.http.reset();
    const second = await forge.commit(REPO, {
      branch: 'gantry/prod/web',
      parent: main,
      expectedHead: first.sha,
      message: 'v2',
      changes: [{ path: 'apps/web/envs/prod/values.yaml', content: 'image:\n  tag: "2.0.0"\n' }],
    });
    expect(fake.git.branches.get('gantry/prod/web')).toBe(second.sha);
    expect(fake.git.commits.get(second.sha)!.parents).toEqual([main]);
    const move = fake.http.requests.at(-1)!.body as { variables: Record<string, unknown> };
    expect(move.variables).toEqual({
      repositoryId: fake.repositoryId,
      name: 'refs/heads/gantry/prod/web',
      before: first.sha,
      after: second.sha,
    });
  });

  it('loses a race with ConflictError and leaves the branch where the winner put it', async () => {
    const { fake, forge } = world();
    const main = fake.git.branches.get('main')!;
    const stale = await forge.commit(REPO, {
      branch: 'gantry/prod/web',
      parent: main,
      expectedHead: null,
      message: 'v1',
      changes: [{ path: 'a.yaml', content: 'a: 1\n' }],
    });
    const winner = fake.git.push('gantry/prod/web', { 'a.yaml': 'a: 2\n' });
    const attempt = forge.commit(REPO, {
      branch: 'gantry/prod/web',
      parent: main,
      expectedHead: stale.sha,
      message: 'v2',
      changes: [{ path: 'a.yaml', content: 'a: 3\n' }],
    });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow(/moved/);
    expect(fake.git.branches.get('gantry/prod/web')).toBe(winner);
    const created = forge.commit(REPO, {
      branch: 'gantry/prod/web',
      parent: main,
      expectedHead: null,
      message: 'v3',
      changes: [{ path: 'a.yaml', content: 'a: 4\n' }],
    });
    await expect(created).rejects.toBeInstanceOf(ConflictError);
    await expect(created).rejects.toThrow(/already exists/);
    expect(fake.git.branches.get('gantry/prod/web')).toBe(winner);
  });

  it('counts a ref move whose answer was lost but which happened as a success', async () => {
    const { fake, forge } = world();
    fake.http.on('POST', '/repos/:owner/:repo/git/refs', (req) => {
      const { ref, sha } = req.body as { ref: string; sha: string };
      fake.git.branches.set(ref.replace('refs/heads/', ''), sha);
      return { status: 502, body: { message: 'Server Error' } };
    });
    const { sha } = await forge.commit(REPO, {
      branch: 'gantry/prod/web',
      parent: fake.git.branches.get('main')!,
      expectedHead: null,
      message: 'v1',
      changes: [{ path: 'a.yaml', content: 'a: 1\n' }],
    });
    expect(fake.git.branches.get('gantry/prod/web')).toBe(sha);
  });

  it('asks for the parent tree in one query when readFiles did not see the changed paths', async () => {
    const { fake, forge } = world();
    await forge.commit(REPO, {
      branch: 'gantry/prod/web',
      parent: fake.git.branches.get('main')!,
      expectedHead: null,
      message: 'v1',
      changes: [
        { path: 'apps/web/envs/prod/run.sh', content: 'echo\n' },
        { path: 'README.md', content: null },
      ],
    });
    expect(fake.http.calls()).toEqual([
      'POST /graphql',
      'POST /repos/shop/gitops/git/trees',
      'POST /repos/shop/gitops/git/commits',
      'POST /repos/shop/gitops/git/refs',
    ]);
  });

  it('keeps an executable bit it learnt from the parent', async () => {
    const { fake, forge } = world();
    fake.git.push('main', {});
    const main = fake.git.branches.get('main')!;
    fake.git.filesAt(main).set('apps/web/envs/prod/run.sh', { mode: '100755', content: '#!/bin/sh\n' });
    const snapshot = await forge.readFiles(REPO, ['apps/web/envs/prod/run.sh'], 'main');
    fake.http.reset();
    await forge.commit(REPO, {
      branch: 'x',
      parent: snapshot.sha,
      expectedHead: null,
      message: 'm',
      changes: [{ path: 'apps/web/envs/prod/run.sh', content: '#!/bin/sh\nexit 0\n' }],
    });
    const tree = fake.http.requests[0]!.body as { tree: { mode: string }[] };
    expect(tree.tree.map((e) => e.mode)).toEqual(['100755']);
  });

  it('resolves a parent given as a ref to its commit', async () => {
    const { fake, forge } = world();
    const { sha } = await forge.commit(REPO, {
      branch: 'b',
      parent: 'main',
      expectedHead: null,
      message: 'm',
      changes: [{ path: 'README.md', content: 'x\n' }],
    });
    expect(fake.git.commits.get(sha)!.parents).toEqual([fake.git.branches.get('main')]);
  });
});
