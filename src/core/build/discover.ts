/**
 * Which files are images to build when `.gantry.yml` lists none. Pure rules; the file-system
 * walk (adapters/local) and forge tree listings apply them.
 */

/** File names that are built: the two names docker and podman pick up by default. */
const BUILD_FILES = new Set(['Dockerfile', 'Containerfile']);

/**
 * Directories never searched: dependencies (`node_modules`, `vendor`), test fixtures
 * (`fixtures`, `__fixtures__`, `testdata`) and hidden directories (`.git`, `.github`,
 * `.devcontainer` — a dev container is not a deployable image).
 */
const IGNORED_DIRS = new Set(['node_modules', 'vendor', 'fixtures', '__fixtures__', 'testdata']);

export function isIgnoredDir(name: string): boolean {
  return IGNORED_DIRS.has(name) || name.startsWith('.');
}

export function isBuildFile(name: string): boolean {
  return BUILD_FILES.has(name);
}

/** Build files among repository paths (`/`-separated), skipping ignored directories, sorted. */
export function selectBuildFiles(paths: Iterable<string>): string[] {
  const found: string[] = [];
  for (const path of paths) {
    const parts = path.split('/');
    const file = parts.pop()!;
    if (isBuildFile(file) && !parts.some(isIgnoredDir)) found.push(path);
  }
  return found.sort(compareCodeUnits);
}

/** Locale-independent order, so output is the same on every machine. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
