/** Placeholders an artifact path may use. */
export const PATH_PLACEHOLDERS = ['env', 'app'] as const;

/**
 * Why a repository-relative path is unsafe, or undefined when it is fine. Paths from
 * configuration are later joined onto a checkout or sent to a forge API; none may leave the repo.
 */
export function unsafePathReason(path: string): string | undefined {
  if (path.includes('\0')) return 'contains a NUL character';
  if (path.includes('\\')) return 'uses "\\"; write paths with "/"';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.startsWith('~')) {
    return 'is absolute; expected a path relative to the repository root';
  }
  if (path.split('/').some((segment) => segment === '..'))
    return 'contains ".." and could leave the repository';
  if (path.split('/').some((segment) => segment === '.git')) return 'points into .git';
  return undefined;
}

/**
 * Problems with the `{placeholder}`s of a per-environment path. `{env}` may be left out only
 * when no two places of the app share a repository (`shared`: some do).
 */
export function placeholderProblems(path: string, shared = true): string[] {
  const problems: string[] = [];
  for (const match of path.matchAll(/\{([^}]*)\}/g)) {
    if (!(PATH_PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
      problems.push(`unknown placeholder {${match[1]}}; expected {env} or {app}`);
    }
  }
  if (!path.includes('{env}') && shared) {
    problems.push(
      'per-environment path must contain {env}, or every environment would share one file (leave it out only when each environment has its own "repo")',
    );
  }
  return problems;
}

/** Substitutes `{env}` and `{app}` in a configured path. */
export function expandPath(path: string, values: { env: string; app: string }): string {
  return path.replaceAll('{env}', values.env).replaceAll('{app}', values.app);
}
