import { afterEach, describe, expect, it } from 'vitest';
import { blobsQuery } from '../../../src/adapters/gitlab/read-files.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/core/errors.ts';
import type { FakeGitLab } from '../../support/fake-gitlab.ts';
import { sent } from '../../support/github-harness.ts';
import { gitlabSchemaErrors } from '../../support/gitlab-api.ts';
import { expectGitLabWellFormed, gitlabWorld, PROJECT } from '../../support/gitlab-harness.ts';

const files = {
  'apps/web/envs/dev/values.yaml': 'image:\n  tag: "1.0.0"\n',
  'apps/web/envs/prod/values.yaml': 'image:\n  tag: "0.9.0"\n',
  'README.md': '# gitops\n',
};

let current: FakeGitLab | undefined;
afterEach(() => {
  if (current) expectGitLabWellFormed(current);
  current = undefined;
});

function world(root = '') {
  const w = gitlabWorld(files, root);
  current = w.fake;
  return w;
}

describe('GitLabForge files', () => {
  it('sends GraphQL that fits the documented schema', () => {
    expect(gitlabSchemaErrors(blobsQuery(4, true))).toEqual([]);
    expect(gitlabSchemaErrors(blobsQuery(1, false))).toEqual([]);
    expect(gitlabSchemaErrors('query { project(fullPath: "a/b") { repository { blob } } }')).not.toEqual([]);
  });

  it('resolves the ref, then reads every file at that sha in one query; missing files are null', async () => {
    const { fake, forge } = world();
    const snapshot = await forge.readFiles(
      PROJECT,
      ['apps/web/envs/dev/values.yaml', 'nope.yaml', 'apps/web', 'README.md'],
      'main',
    );
    expect(snapshot.sha).toBe(fake.git.branches.get('main'));
    expect([...snapshot.files]).toEqual([
      ['apps/web/envs/dev/values.yaml', files['apps/web/envs/dev/values.yaml']],
      ['nope.yaml', null],
      ['apps/web', null],
      ['README.md', '# gitops\n'],
    ]);
    expect(sent(fake.http.requests)).toMatchSnapshot();
  });

  it('uses one query per 100 paths, four aliased fields of 25', async () => {
    const { fake, forge } = world();
    const paths = Array.from({ length: 100 }, (_, i) => `missing/${i}.yaml`);
    await forge.readFiles(PROJECT, [...paths, 'README.md'], 'main');
    const graphql = fake.http.requests.filter((r) => r.path === '/api/graphql');
    expect(graphql.map((r) => Object.keys((r.body as { variables: object }).variables))).toEqual([
      ['project', 'ref', 'p0', 'p1', 'p2', 'p3'],
      ['project', 'ref', 'p0'],
    ]);
  });

  it('reads a binary file GraphQL withholds from the raw endpoint', async () => {
    const { fake, forge } = world();
    fake.binary.add('README.md');
    expect(await forge.readFile(PROJECT, 'README.md', 'main')).toBe('# gitops\n');
    expect(fake.http.calls().at(-1)).toBe(
      'GET /api/v4/projects/shop%2Fplatform%2Fgitops/repository/files/README.md/raw',
    );
  });

  it('says NotFoundError for an unknown ref or project, and refuses a malformed project path', async () => {
    const { forge } = world();
    await expect(forge.readFile(PROJECT, 'README.md', 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(forge.readFile('shop/other', 'README.md', 'main')).rejects.toBeInstanceOf(NotFoundError);
    await expect(forge.readFile('gitops', 'README.md', 'main')).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists a tree under a prefix across pages, and nothing under a missing one', async () => {
    const { forge } = world();
    expect(await forge.listTree(PROJECT, 'main', 'apps/web/envs')).toEqual([
      { path: 'apps/web/envs/dev', type: 'dir' },
      { path: 'apps/web/envs/dev/values.yaml', type: 'file' },
      { path: 'apps/web/envs/prod', type: 'dir' },
      { path: 'apps/web/envs/prod/values.yaml', type: 'file' },
    ]);
    expect(await forge.listTree(PROJECT, 'main', 'nowhere')).toEqual([]);
  });

  it('answers branch heads and the default branch', async () => {
    const { fake, forge } = world();
    expect(await forge.branchHead(PROJECT, 'main')).toBe(fake.git.branches.get('main'));
    expect(await forge.branchHead(PROJECT, 'gantry/prod/web')).toBeNull();
    expect(await forge.defaultBranch(PROJECT)).toBe('main');
  });

  it('works under a relative URL root', async () => {
    const { fake, forge } = world('/gitlab');
    expect((await forge.readFiles(PROJECT, ['README.md'], 'main')).files.get('README.md')).toBe('# gitops\n');
    expect(fake.http.calls()).toEqual([
      expect.stringMatching(
        /^GET \/gitlab\/api\/v4\/projects\/shop%2Fplatform%2Fgitops\/repository\/commits\/main$/,
      ),
      'POST /gitlab/api/graphql',
    ]);
    expect(forge.compareUrl(PROJECT, 'v1', 'gantry/prod/web')).toBe(
      'https://gitlab.test/gitlab/shop/platform/gitops/-/compare/v1...gantry/prod/web',
    );
  });
});

describe('GitLabForge commit', () => {
  it('creates a branch with one Commits API call: create, update and delete decided from the snapshot', async () => {
    const { fake, forge } = world();
    const snapshot = await forge.readFiles(
      PROJECT,
      ['apps/web/envs/prod/values.yaml', 'new.yaml', 'README.md', 'gone.yaml'],
      'main',
    );
    fake.http.reset();
    const { sha } = await forge.commit(PROJECT, {
      branch: 'gantry/prod/web',
      parent: snapshot.sha,
      expectedHead: null,
      message: 'Promote web to prod',
      author: { name: 'gantry', email: 'gantry@example.com' },
      changes: [
        { path: 'apps/web/envs/prod/values.yaml', content: 'image:\n  tag: "1.0.0"\n' },
        { path: 'new.yaml', content: 'x: 1\n' },
        { path: 'README.md', content: null },
        { path: 'gone.yaml', content: null },
      ],
    });
    expect(fake.git.branches.get('gantry/prod/web')).toBe(sha);
    expect(fake.git.commits.get(sha)!.parents).toEqual([snapshot.sha]);
    expect([...fake.git.filesAt(sha).keys()].sort()).toEqual([
      'apps/web/envs/dev/values.yaml',
      'apps/web/envs/prod/values.yaml',
      'new.yaml',
    ]);
    expect(sent(fake.http.requests)).toMatchSnapshot();
  });

  it('asks which paths exist in one query when readFiles did not see them', async () => {
    const { fake, forge } = world();
    await forge.commit(PROJECT, {
      branch: 'b',
      parent: fake.git.branches.get('main')!,
      expectedHead: null,
      message: 'm',
      changes: [{ path: 'README.md', content: 'changed\n' }],
    });
    expect(fake.http.calls()).toEqual([
      'POST /api/graphql',
      'POST /api/v4/projects/shop%2Fplatform%2Fgitops/repository/commits',
    ]);
    expect((fake.http.requests[1]!.body as { actions: unknown[] }).actions).toEqual([
      { action: 'update', file_path: 'README.md', content: 'changed\n' },
    ]);
  });

  it('rebuilds an existing branch on its base after checking its head (start_sha + force)', async () => {
    const { fake, forge } = world();
    const main = fake.git.branches.get('main')!;
    const first = await forge.commit(PROJECT, {
      branch: 'gantry/prod/web',
      parent: main,
      expectedHead: null,
      message: 'v1',
      changes: [{ path: 'a.yaml', content: '1\n' }],
    });
    fake.http.reset();
    const second = await forge.commit(PROJECT, {
      branch: 'gantry/prod/web',
      parent: main,
      expectedHead: first.sha,
      message: 'v2',
      changes: [{ path: 'a.yaml', content: '2\n' }],
    });
    expect(fake.git.commits.get(second.sha)!.parents).toEqual([main]);
    expect(fake.http.calls()).toEqual([
      'POST /api/graphql',
      'GET /api/v4/projects/shop%2Fplatform%2Fgitops/repository/branches/gantry%2Fprod%2Fweb',
      'POST /api/v4/projects/shop%2Fplatform%2Fgitops/repository/commits',
    ]);
    expect(fake.http.requests.at(-1)!.body).toMatchObject({
      branch: 'gantry/prod/web',
      start_sha: main,
      force: true,
    });
  });

  it('refuses with ConflictError when the branch exists, moved, or moved under a fast-forward', async () => {
    const { fake, forge } = world();
    const main = fake.git.branches.get('main')!;
    const first = await forge.commit(PROJECT, {
      branch: 'b',
      parent: main,
      expectedHead: null,
      message: 'v1',
      changes: [{ path: 'a.yaml', content: '1\n' }],
    });
    const again = forge.commit(PROJECT, {
      branch: 'b',
      parent: main,
      expectedHead: null,
      message: 'v1',
      changes: [{ path: 'a.yaml', content: '1\n' }],
    });
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toThrow(/already exists/);

    const winner = fake.git.push('b', { 'a.yaml': 'theirs\n' });
    const rebuild = forge.commit(PROJECT, {
      branch: 'b',
      parent: main,
      expectedHead: first.sha,
      message: 'v2',
      changes: [{ path: 'a.yaml', content: '2\n' }],
    });
    await expect(rebuild).rejects.toBeInstanceOf(ConflictError);
    expect(fake.git.branches.get('b')).toBe(winner);

    // Fast-forward on top of the expected head, but someone pushed in between: their commit stays.
    fake.beforeCommit = () => {
      fake.beforeCommit = undefined;
      fake.git.push('b', { 'other.yaml': 'x\n' });
    };
    const forward = forge.commit(PROJECT, {
      branch: 'b',
      parent: winner,
      expectedHead: winner,
      message: 'v3',
      changes: [{ path: 'c.yaml', content: '3\n' }],
    });
    await expect(forward).rejects.toBeInstanceOf(ConflictError);
    expect(fake.git.filesAt(fake.git.branches.get('b')!).has('other.yaml')).toBe(true);
  });

  it('refuses an empty change set: GitLab cannot record it', async () => {
    const { fake, forge } = world();
    const attempt = forge.commit(PROJECT, {
      branch: 'b',
      parent: fake.git.branches.get('main')!,
      expectedHead: null,
      message: 'm',
      changes: [{ path: 'missing.yaml', content: null }],
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
  });

  it('resolves a parent given as a ref to its commit (start_sha must be a sha)', async () => {
    const { fake, forge } = world();
    const { sha } = await forge.commit(PROJECT, {
      branch: 'b',
      parent: 'main',
      expectedHead: null,
      message: 'm',
      changes: [{ path: 'README.md', content: 'x\n' }],
    });
    expect(fake.git.commits.get(sha)!.parents).toEqual([fake.git.branches.get('main')]);
  });
});
