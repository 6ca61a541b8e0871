/** Longest image tag the OCI distribution spec allows. */
export const TAG_MAX = 128;

/**
 * semver.org's grammar, POSIX-ERE compatible (no \d, no lookarounds), so the job script's
 * `grep -E` uses the very same expression (it is passed to the template from here).
 */
export const SEMVER_ERE =
  '^v?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)' +
  '(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?' +
  '(\\+([0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*))?$';

const semver = new RegExp(SEMVER_ERE);

export interface ReleaseVersion {
  /** The version as an image tag: without the leading "v", "+" (not allowed in tags) as "_". */
  tag: string;
  major: string;
  minor: string;
  /** A pre-release (`-rc.1`) or build metadata (`+build.5`): only its own tag is published. */
  qualified: boolean;
}

/**
 * A git tag that names a release (`v1.2.3`, `1.2.3`, `v1.3.0-rc.1`), or undefined for any
 * other tag, which is then published under its slug like a branch.
 */
export function parseReleaseTag(gitTag: string): ReleaseVersion | undefined {
  if (!semver.test(gitTag)) return undefined;
  const version = gitTag.startsWith('v') ? gitTag.slice(1) : gitTag;
  const tag = version.replaceAll('+', '_');
  if (tag.length > TAG_MAX) return undefined;
  const core = version.split(/[-+]/, 1)[0]!;
  const [major, minor] = core.split('.') as [string, string, string];
  return { tag, major, minor, qualified: core.length !== version.length };
}
