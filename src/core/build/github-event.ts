import { ValidationError } from '../errors.ts';
import type { BuildEvent } from './tags.ts';

/** The fields of a GitHub event payload the build reads (GITHUB_EVENT_PATH). */
interface Payload {
  repository?: { default_branch?: unknown };
  pull_request?: { head?: { ref?: unknown; sha?: unknown } };
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/**
 * The build event of a GitHub Actions run, from its environment and event payload:
 * pull requests are merge-request builds (never pushed), `refs/tags/*` tag builds,
 * `refs/heads/*` branch builds.
 */
export function githubBuildEvent(
  env: Readonly<Record<string, string | undefined>>,
  payload: unknown,
): BuildEvent {
  const event = (payload ?? {}) as Payload;
  const name = env.GITHUB_EVENT_NAME ?? '';
  if (PULL_REQUEST_EVENTS.has(name)) {
    const head = event.pull_request?.head;
    if (typeof head?.ref !== 'string' || typeof head.sha !== 'string') {
      throw new ValidationError(`${name} event payload has no pull_request.head.ref/sha`);
    }
    return { kind: 'merge-request', sourceBranch: head.ref, sha: head.sha };
  }
  const ref = env.GITHUB_REF ?? '';
  const sha = env.GITHUB_SHA ?? '';
  if (ref.startsWith('refs/tags/')) return { kind: 'tag', tag: ref.slice('refs/tags/'.length), sha };
  if (ref.startsWith('refs/heads/')) {
    const defaultBranch = event.repository?.default_branch;
    if (typeof defaultBranch !== 'string') {
      throw new ValidationError(`${name || 'the'} event payload has no repository.default_branch`);
    }
    return { kind: 'branch', branch: ref.slice('refs/heads/'.length), sha, defaultBranch };
  }
  throw new ValidationError(
    `cannot build for event "${name}" on ref "${ref}": expected a pull request, a tag or a branch`,
  );
}
