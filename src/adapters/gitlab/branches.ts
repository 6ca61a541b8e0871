import type { GitLabApi } from './client.ts';
import { call, callOrNull } from './errors.ts';

/** GET /projects/:id/repository/branches?search=^prefix, 100 a page. */
export async function listBranches(api: GitLabApi, project: string, prefix: string) {
  const list = (await call(`GitLab branches ${project} ${prefix}*`, () =>
    api.Branches.all(project, { search: `^${prefix}`, perPage: 100 }),
  )) as unknown as Array<{ name: string; commit: { id: string } }>;
  return list.filter((b) => b.name.startsWith(prefix)).map((b) => ({ name: b.name, sha: b.commit.id }));
}

export async function commitMessage(api: GitLabApi, project: string, sha: string): Promise<string> {
  const commit = (await call(`GitLab commit ${project}@${sha}`, () =>
    api.Commits.show(project, sha),
  )) as unknown as {
    message: string;
  };
  return commit.message;
}

/** A branch already gone is deleted as well. */
export async function deleteBranch(api: GitLabApi, project: string, branch: string): Promise<void> {
  await callOrNull(`GitLab delete ${project} ${branch}`, () => api.Branches.remove(project, branch));
}
