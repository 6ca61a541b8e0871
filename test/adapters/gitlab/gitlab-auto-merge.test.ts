import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/core/errors.ts';
import type { FakeGitLab } from '../../support/fake-gitlab.ts';
import { expectGitLabWellFormed, gitlabWorld, PROJECT } from '../../support/gitlab-harness.ts';

let current: FakeGitLab | undefined;
afterEach(() => {
  if (current) expectGitLabWellFormed(current);
  current = undefined;
});

function world(pipelineRunning: boolean) {
  const w = gitlabWorld({ 'README.md': '# gitops\n' });
  current = w.fake;
  w.fake.git.branches.set('gantry/dev/web', w.fake.git.branches.get('main')!);
  const head = w.fake.git.push('gantry/dev/web', { 'dev.yml': 'tag: 1.1.0\n' }, 'Promote web');
  w.fake.mergeRequests.push({
    iid: 3,
    title: 'Promote web to dev',
    description: '',
    source_branch: 'gantry/dev/web',
    target_branch: 'main',
    state: 'opened',
    author: w.fake.self.username,
    fork: false,
    labels: [],
    awards: [],
    pipelineRunning,
  });
  return { ...w, head };
}

describe('GitLabForge auto-merge', () => {
  it('sets the MR to merge when its pipeline succeeds, pinned to the head gantry wrote', async () => {
    const { fake, forge, head } = world(true);
    expect(await forge.enableAutoMerge(PROJECT, 3, head)).toBe('scheduled');
    expect(fake.mergeRequests[0]).toMatchObject({ state: 'opened', autoMerge: true });
    const request = fake.http.requests.at(-1)!;
    expect([request.method, request.path]).toEqual([
      'PUT',
      `/api/v4/projects/${encodeURIComponent(PROJECT)}/merge_requests/3/merge`,
    ]);
    expect(request.body).toEqual({ sha: head, auto_merge: true, merge_when_pipeline_succeeds: true });
  });

  it('is merged at once when there is no pipeline to wait for', async () => {
    const { fake, forge, head } = world(false);
    expect(await forge.enableAutoMerge(PROJECT, 3, head)).toBe('merged');
    expect(fake.mergeRequests[0]!.state).toBe('merged');
  });

  it('refuses to merge a head it did not write', async () => {
    const { fake, forge } = world(false);
    await expect(forge.enableAutoMerge(PROJECT, 3, 'e'.repeat(40))).rejects.toThrow(ConflictError);
    expect(fake.mergeRequests[0]!.state).toBe('opened');
  });
});
