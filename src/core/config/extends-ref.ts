import { unsafePathReason } from './paths.ts';

/** Where an `extends:` points: a file in the same repository, or a file in another repository. */
export type ExtendsRef =
  | { kind: 'same-repo'; path: string }
  | { kind: 'repo'; owner: string | undefined; repo: string; path: string };

export const DEFAULT_CONFIG_PATH = '.gantry.yml';

/**
 * `./base.yml` (relative to the extending file), `repo` (same owner, Probot's convention),
 * `owner/repo` or either with `:path/to/file.yml`. Returns an error message when malformed.
 */
export function parseExtendsRef(value: string, fromPath: string): ExtendsRef | string {
  if (value.startsWith('./')) {
    const dir = fromPath.includes('/') ? fromPath.slice(0, fromPath.lastIndexOf('/') + 1) : '';
    const path = normalize(dir + value.slice(2));
    const unsafe = unsafePathReason(path);
    return unsafe ? `extends path "${value}" ${unsafe}` : { kind: 'same-repo', path };
  }
  const match = /^(?:([A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*)\/)?([A-Za-z0-9_.-]+)(?::(.+))?$/.exec(value);
  if (!match)
    return `invalid extends "${value}"; expected "./file.yml", "repo", "owner/repo" or "owner/repo:path.yml"`;
  const path = match[3] ?? DEFAULT_CONFIG_PATH;
  const unsafe = unsafePathReason(path);
  if (unsafe) return `extends path "${path}" ${unsafe}`;
  return { kind: 'repo', owner: match[1], repo: match[2]!, path };
}

export function formatExtendsRef(ref: ExtendsRef): string {
  if (ref.kind === 'same-repo') return ref.path;
  return `${ref.owner ? `${ref.owner}/` : ''}${ref.repo}:${ref.path}`;
}

function normalize(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '.' && s !== '')
    .join('/');
}
