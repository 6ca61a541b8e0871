/**
 * Files of several repositories in one map (an environment may live in its own repository):
 * a file of the repository holding .gantry.yml by its path, another repository's by the
 * repository and the path joined with NUL, which no safe path contains.
 */
export function fileKey(repo: string | undefined, path: string): string {
  return repo ? `${repo}\u0000${path}` : path;
}

export function splitKey(key: string): { repo?: string; path: string } {
  const at = key.indexOf('\u0000');
  return at < 0 ? { path: key } : { repo: key.slice(0, at), path: key.slice(at + 1) };
}

/** A key as people read it: `path`, or `owner/repo:path`. */
export function showKey(key: string): string {
  const { repo, path } = splitKey(key);
  return repo ? `${repo}:${path}` : path;
}
