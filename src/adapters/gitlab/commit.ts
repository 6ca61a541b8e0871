import { ConflictError, ValidationError } from '../../core/errors.ts';
import type { CommitRequest } from '../../ports/forge.ts';
import type { GitLabApi } from './client.ts';
import { call, callOrNull } from './errors.ts';

export interface CommitAction {
  action: 'create' | 'update' | 'delete';
  filePath: string;
  content?: string;
}

/** create/update/delete from whether each path exists at the parent; deleting nothing is no change. */
export function commitActions(request: CommitRequest, exists: Map<string, boolean>): CommitAction[] {
  const actions: CommitAction[] = [];
  for (const change of request.changes) {
    const present = exists.get(change.path) ?? false;
    if (change.content === null) {
      if (present) actions.push({ action: 'delete', filePath: change.path });
    } else {
      actions.push({ action: present ? 'update' : 'create', filePath: change.path, content: change.content });
    }
  }
  return actions;
}

export async function branchHead(api: GitLabApi, project: string, branch: string): Promise<string | null> {
  const found = await callOrNull(`GitLab branch ${project} ${branch}`, () =>
    api.Branches.show(project, branch),
  );
  return found ? (found as unknown as { commit: { id: string } }).commit.id : null;
}

const BRANCH_EXISTS = /A branch called .* already exists/i;
/** Messages of a change set that no longer fits the branch it lands on. */
const STALE_FILES = /already exists|does ?n[o']t exist|has changed since/i;

/**
 * One commit through the Commits API, with as much compare-and-swap as GitLab allows. Its
 * REST API has no "expected old sha" for a branch (Gitaly has one, but the API does not pass
 * it through), so:
 *
 * - new branch (`expectedHead` null): `start_sha` without `force`; GitLab refuses when the
 *   branch exists ("A branch called … already exists") → ConflictError.
 * - fast-forward (`parent` is the expected head): no `start_sha`, so GitLab commits on the
 *   branch as it is; if someone pushed meanwhile, their commit is kept, ours lands on top, and
 *   the returned parent differs from the expected head → ConflictError (re-plan; nothing lost).
 * - rebuild on a base (`parent` elsewhere, the promotion case): read the head, refuse with
 *   ConflictError if it moved, then `start_sha` + `force`. Residual race: a push between that
 *   read and the write (one round trip) is overwritten. gantry is the only writer of its
 *   `gantry/*` branches and serialises work per branch, which keeps that window theoretical.
 */
export async function writeCommit(
  api: GitLabApi,
  project: string,
  request: CommitRequest,
  exists: Map<string, boolean>,
): Promise<string> {
  const actions = commitActions(request, exists);
  const what = `GitLab commit ${project} ${request.branch}`;
  if (actions.length === 0) {
    throw new ValidationError(`${what}: nothing to commit (GitLab cannot record a commit without changes)`);
  }
  const author = request.author ? { authorName: request.author.name, authorEmail: request.author.email } : {};
  const create = (
    options: Record<string, unknown>,
    isConflict: (status: number, message: string) => boolean,
  ) =>
    call(
      what,
      async () =>
        (await api.Commits.create(project, request.branch, request.message, actions, {
          ...author,
          ...options,
        })) as unknown as { id: string; parent_ids: string[] },
      isConflict,
    );

  if (request.expectedHead === null) {
    const made = await create({ startSha: request.parent }, (s, m) => s === 400 && BRANCH_EXISTS.test(m));
    return made.id;
  }
  if (request.parent === request.expectedHead) {
    const made = await create({}, (s, m) => s === 400 && STALE_FILES.test(m));
    if (made.parent_ids[0] !== request.expectedHead) {
      throw new ConflictError(
        `${what}: the branch had moved; the commit ${made.id.slice(0, 12)} landed on ${made.parent_ids[0]?.slice(0, 12)}, not ${request.expectedHead.slice(0, 12)}`,
      );
    }
    return made.id;
  }
  const head = await branchHead(api, project, request.branch);
  if (head !== request.expectedHead) {
    throw new ConflictError(
      `${what}: branch moved: it is at ${head?.slice(0, 12) ?? 'nothing'}, not ${request.expectedHead.slice(0, 12)}`,
    );
  }
  const made = await create({ startSha: request.parent, force: true }, () => false);
  return made.id;
}
