import { afterEach, describe, expect, it } from 'vitest';
import { REVISIONS_PER_QUERY, revisionsQuery } from '../../../src/adapters/gitlab/file-history.ts';
import { NotFoundError } from '../../../src/core/errors.ts';
import type { FakeGitLab } from '../../support/fake-gitlab.ts';
import { sent } from '../../support/github-harness.ts';
import { gitlabSchemaErrors } from '../../support/gitlab-api.ts';
import { expectGitLabWellFormed, gitlabWorld, PROJECT } from '../../support/gitlab-harness.ts';

const VALUES = 'apps/web/envs/prod/values.yaml';

let current: FakeGitLab | undefined;
afterEach(() => {
  if (current) expectGitLabWellFormed(current);
  current = undefined;
});

/** main: initial (1.0.0) → README only → 1.1.0 (!7) → 1.2.0 (!9) */
function world() {
  const w = gitlabWorld({ [VALUES]: 'image:\n  tag: "1.0.0"\n', 'README.md': '# gitops\n' });
  current = w.fake;
  const git = w.fake.git;
  git.push('main', { 'README.md': '# gitops!\n' }, 'Docs');
  git.push(
    'main',
    { [VALUES]: 'image:\n  tag: "1.1.0"\n' },
    'Promote web to prod\n\nSee merge request shop!7',
  );
  git.push('main', { [VALUES]: 'image:\n  tag: "1.2.0"\n' }, 'Promote web to prod again');
  return w;
}

describe('GitLabForge fileHistory', () => {
  it('sends GraphQL that fits the documented schema', () => {
    expect(gitlabSchemaErrors(revisionsQuery(1))).toEqual([]);
    expect(gitlabSchemaErrors(revisionsQuery(REVISIONS_PER_QUERY))).toEqual([]);
  });

  it('lists the commits that changed the file (commits API with path), then reads every revision in one query', async () => {
    const { fake, forge } = world();
    const history = await forge.fileHistory(PROJECT, VALUES, 'main', 10);
    expect(history.map((r) => [r.subject, r.content])).toEqual([
      ['Promote web to prod again', 'image:\n  tag: "1.2.0"\n'],
      ['Promote web to prod', 'image:\n  tag: "1.1.0"\n'],
      ['initial', 'image:\n  tag: "1.0.0"\n'],
    ]);
    expect(history[0]!.sha).toBe(fake.git.branches.get('main'));
    expect(sent(fake.http.requests).map((r) => ('query' in r ? [r.path, r.query] : [r.path]))).toEqual([
      [
        '/api/v4/projects/shop%2Fplatform%2Fgitops/repository/commits',
        { ref_name: 'main', path: VALUES, per_page: '10', page: '1' },
      ],
      ['/api/graphql'],
    ]);
  });

  it('asks for at most 100 commits, splits revisions 25 per query, and says null where the file was deleted', async () => {
    const { fake, forge } = world();
    for (let i = 0; i < 30; i++) fake.git.push('main', { [VALUES]: `image:\n  tag: "2.${i}.0"\n` }, `v${i}`);
    fake.git.push('main', { [VALUES]: null }, 'Remove web from prod');
    const history = await forge.fileHistory(PROJECT, VALUES, 'main', 500);
    expect(history).toHaveLength(34);
    expect(history[0]!.content).toBeNull();
    expect(history[1]!.content).toBe('image:\n  tag: "2.29.0"\n');
    expect(fake.http.requests[0]!.query.per_page).toBe('100');
    expect(fake.http.calls().filter((c) => c.endsWith('/api/graphql'))).toHaveLength(2);
  });

  it('reads a binary revision GraphQL withholds from the raw endpoint at that commit', async () => {
    const { fake, forge } = world();
    fake.binary.add(VALUES);
    const history = await forge.fileHistory(PROJECT, VALUES, 'main', 1);
    expect(history[0]!.content).toBe('image:\n  tag: "1.2.0"\n');
    expect(fake.http.requests.at(-1)!.query).toEqual({ ref: fake.git.branches.get('main') });
  });

  it('says NotFoundError for an unknown ref or project, and [] for a path never touched', async () => {
    const { forge } = world();
    await expect(forge.fileHistory(PROJECT, VALUES, 'nope', 5)).rejects.toBeInstanceOf(NotFoundError);
    await expect(forge.fileHistory('shop/other', VALUES, 'main', 5)).rejects.toBeInstanceOf(NotFoundError);
    expect(await forge.fileHistory(PROJECT, 'missing.yaml', 'main', 5)).toEqual([]);
  });
});

describe('GitLabForge issue notes', () => {
  it('replies on an issue and reacts to its notes through the issue endpoints, not the MR ones', async () => {
    const { fake, forge } = world();
    fake.issues.add(4);
    const note = await forge.createComment(PROJECT, 4, 'on it', { issue: true });
    expect(note.url).toBe(`${fake.webUrl()}/-/issues/4#note_${note.id}`);
    await forge.addReaction(PROJECT, { kind: 'comment', id: note.id, pullRequest: 4, issue: true }, 'eyes');
    await forge.addReaction(PROJECT, { kind: 'comment', id: note.id, pullRequest: 4, issue: true }, 'eyes');
    expect(fake.notes).toMatchObject([{ iid: 4, onIssue: true, body: 'on it', awards: ['eyes'] }]);
    expect(fake.http.calls()).toEqual([
      'POST /api/v4/projects/shop%2Fplatform%2Fgitops/issues/4/notes',
      `POST /api/v4/projects/shop%2Fplatform%2Fgitops/issues/4/notes/${note.id}/award_emoji`,
      `POST /api/v4/projects/shop%2Fplatform%2Fgitops/issues/4/notes/${note.id}/award_emoji`,
    ]);
  });
});
