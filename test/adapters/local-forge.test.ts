import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalForge } from '../../src/adapters/local/local-forge.ts';
import { ConflictError, ForgeError, NotFoundError } from '../../src/core/errors.ts';
import { makeRepo } from '../support/git-repo.ts';

const files = {
  'apps/web/envs/dev/values.yaml': 'image:\n  tag: "1.0.0"\n',
  'apps/web/envs/prod/values.yaml': 'image:\n  tag: "0.9.0"\n',
  'README.md': '# gitops\n',
};

describe('LocalForge', () => {
  it('reads files at a ref and says null for a missing file', async () => {
    const { dir } = makeRepo(files);
    const forge = new LocalForge(dir);
    expect(await forge.readFile('local', 'apps/web/envs/dev/values.yaml', 'main')).toBe(
      'image:\n  tag: "1.0.0"\n',
    );
    expect(await forge.readFile('local', 'nope.yaml', 'main')).toBeNull();
    await expect(forge.readFile('local', 'README.md', 'no-such-branch')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('reads many files at one commit', async () => {
    const { dir, git } = makeRepo(files);
    const snapshot = await new LocalForge(dir).readFiles('local', ['README.md', 'missing.txt'], 'main');
    expect(snapshot.sha).toBe(git('rev-parse', 'main'));
    expect([...snapshot.files]).toEqual([
      ['README.md', '# gitops\n'],
      ['missing.txt', null],
    ]);
  });

  it('lists the history of a file, newest first, with its content at each commit', async () => {
    const { dir, git } = makeRepo(files);
    const path = 'apps/web/envs/prod/values.yaml';
    writeFileSync(join(dir, 'README.md'), 'docs\n');
    git('commit', '-qam', 'Docs');
    writeFileSync(join(dir, path), 'image:\n  tag: "1.0.0"\n');
    git('commit', '-qam', 'Promote web to prod (#3)');
    const history = await new LocalForge(dir).fileHistory('local', path, 'main', 10);
    expect(history.map((r) => [r.subject, r.content])).toEqual([
      ['Promote web to prod (#3)', 'image:\n  tag: "1.0.0"\n'],
      ['initial', 'image:\n  tag: "0.9.0"\n'],
    ]);
    expect(history[0]!.sha).toBe(git('rev-parse', 'main'));
  });

  it('lists a tree under a prefix', async () => {
    const { dir } = makeRepo(files);
    const tree = await new LocalForge(dir).listTree('local', 'main', 'apps/web/envs');
    expect(tree).toEqual([
      { path: 'apps/web/envs/dev', type: 'dir' },
      { path: 'apps/web/envs/dev/values.yaml', type: 'file' },
      { path: 'apps/web/envs/prod', type: 'dir' },
      { path: 'apps/web/envs/prod/values.yaml', type: 'file' },
    ]);
  });

  it('commits many files as one commit on a new branch, leaving the working tree alone', async () => {
    const { dir, git } = makeRepo(files);
    const forge = new LocalForge(dir);
    const base = (await forge.branchHead('local', 'main'))!;
    const { sha } = await forge.commit('local', {
      branch: 'gantry/prod/web',
      parent: base,
      expectedHead: null,
      message: 'Promote web to prod\n\nbody',
      changes: [
        { path: 'apps/web/envs/prod/values.yaml', content: 'image:\n  tag: "1.0.0"\n' },
        { path: 'apps/web/envs/prod/new file.yml', content: 'x: 1\n' },
        { path: 'README.md', content: null },
      ],
    });
    expect(await forge.branchHead('local', 'gantry/prod/web')).toBe(sha);
    expect(git('rev-list', '--count', `${base}..${sha}`)).toBe('1');
    expect(git('show', '--name-status', '--format=%s', sha).split('\n')).toEqual([
      'Promote web to prod',
      '',
      'D\tREADME.md',
      'A\tapps/web/envs/prod/new file.yml',
      'M\tapps/web/envs/prod/values.yaml',
    ]);
    expect(readFileSync(join(dir, 'apps/web/envs/prod/values.yaml'), 'utf8')).toBe(
      files['apps/web/envs/prod/values.yaml'],
    );
    expect(git('status', '--porcelain')).toBe('');
    expect(git('rev-parse', 'HEAD')).toBe(base);
  });

  it('refuses to move a branch that moved since it was read (compare-and-swap)', async () => {
    const { dir } = makeRepo(files);
    const forge = new LocalForge(dir);
    const base = (await forge.branchHead('local', 'main'))!;
    const change = [{ path: 'a.txt', content: 'a\n' }];
    const commit = (expectedHead: string | null, message: string) =>
      forge.commit('local', { branch: 'b', parent: base, expectedHead, message, changes: change });
    const first = await commit(null, 'one');
    await expect(commit(null, 'again')).rejects.toThrow(ConflictError);
    await expect(commit(base, 'stale')).rejects.toThrow(/moved/);
    // Rebuilt on its base (not on top of `first`): a non-fast-forward move, still compare-and-swap.
    const second = await commit(first.sha, 'two');
    expect(await forge.branchHead('local', 'b')).toBe(second.sha);
  });

  it('refuses invalid branch names before doing anything', async () => {
    const { dir } = makeRepo(files);
    const forge = new LocalForge(dir);
    const base = (await forge.branchHead('local', 'main'))!;
    for (const branch of ['a..b', 'x~1', '-rf', 'has space', 'end.lock']) {
      await expect(
        forge.commit('local', { branch, parent: base, expectedHead: null, message: 'm', changes: [] }),
      ).rejects.toBeInstanceOf(ForgeError);
    }
  });
});
