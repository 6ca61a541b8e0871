import { ValidationError } from '../../core/errors.ts';

/** A type alias rather than an interface, so it spreads into Octokit's request parameters. */
export type RepoRef = { owner: string; repo: string };

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** `owner/name` → its parts; anything else is refused before a request is made. */
export function parseRepo(path: string): RepoRef {
  const parts = path.split('/');
  const [owner, repo] = parts;
  if (parts.length !== 2 || !owner || !repo || !SEGMENT.test(owner) || !SEGMENT.test(repo)) {
    throw new ValidationError(`"${path}" is not a GitHub repository; expected owner/name`);
  }
  return { owner, repo };
}

/** A ref for a URL path: each segment escaped, slashes kept (`gantry/prod/web`). */
export function refForUrl(ref: string): string {
  return ref.split('/').map(encodeURIComponent).join('/');
}

/** Git file modes as GitHub's GraphQL reports them (decimal) → the octal strings trees use. */
export function octalMode(mode: number | undefined): string | undefined {
  return mode === undefined ? undefined : mode.toString(8);
}
