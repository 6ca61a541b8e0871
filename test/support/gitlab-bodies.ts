import type { FakeGitLab, FakeMergeRequest, FakeNote } from './fake-gitlab.ts';

/**
 * Response bodies shaped like the examples in GitLab's API documentation (commits.md,
 * merge_requests.md, notes.md, users.md), filled with the fake's state.
 */

export function gitLabUser(id: number, username: string) {
  return {
    id,
    username,
    name: username,
    state: 'active',
    locked: false,
    avatar_url: `https://gitlab.test/uploads/-/system/user/avatar/${id}/avatar.png`,
    web_url: `https://gitlab.test/${username}`,
  };
}

export function gitLabCommit(fake: FakeGitLab, sha: string) {
  const commit = fake.git.commits.get(sha)!;
  const title = commit.message.split('\n')[0];
  return {
    id: sha,
    short_id: sha.slice(0, 8),
    created_at: '2026-01-01T00:00:00.000+00:00',
    parent_ids: commit.parents,
    title,
    message: commit.message,
    author_name: commit.author?.name ?? 'Example User',
    author_email: commit.author?.email ?? 'user@example.com',
    authored_date: '2026-01-01T00:00:00.000+00:00',
    committer_name: 'Example User',
    committer_email: 'user@example.com',
    committed_date: '2026-01-01T00:00:00.000+00:00',
    trailers: {},
    extended_trailers: {},
    web_url: `${fake.webUrl()}/-/commit/${sha}`,
    stats: { additions: 1, deletions: 1, total: 2 },
    status: null,
    project_id: fake.projectId,
    last_pipeline: null,
  };
}

export function gitLabMergeRequest(fake: FakeGitLab, mr: FakeMergeRequest) {
  const sha = fake.git.branches.get(mr.source_branch) ?? null;
  return {
    id: 1000 + mr.iid,
    iid: mr.iid,
    project_id: fake.projectId,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    merged_at: mr.state === 'merged' ? '2026-01-02T00:00:00.000Z' : null,
    target_branch: mr.target_branch,
    source_branch: mr.source_branch,
    author: gitLabUser(mr.author === fake.self.username ? fake.self.id : 5, mr.author),
    source_project_id: mr.fork ? 99 : fake.projectId,
    target_project_id: fake.projectId,
    labels: mr.labels,
    draft: /^draft:/i.test(mr.title),
    work_in_progress: /^draft:/i.test(mr.title),
    merge_when_pipeline_succeeds: mr.autoMerge === true,
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    sha,
    merge_commit_sha: null,
    squash_commit_sha: null,
    user_notes_count: fake.notes.filter((n) => n.iid === mr.iid).length,
    should_remove_source_branch: null,
    force_remove_source_branch: false,
    web_url: `${fake.webUrl()}/-/merge_requests/${mr.iid}`,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${fake.project}!${mr.iid}` },
  };
}

export function gitLabNote(fake: FakeGitLab, note: FakeNote) {
  const username = note.authorId === fake.self.id ? fake.self.username : 'developer';
  return {
    id: note.id,
    type: null,
    body: note.body,
    attachment: null,
    author: gitLabUser(note.authorId, username),
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    system: note.system,
    noteable_id: 1000 + note.iid,
    noteable_type: 'MergeRequest',
    project_id: fake.projectId,
    resolvable: false,
    confidential: false,
    internal: false,
    noteable_iid: note.iid,
  };
}
