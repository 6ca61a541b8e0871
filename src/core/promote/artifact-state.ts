/** What an artifact holds in one environment: a version (tag and/or digest) or a whole file. */
export interface Version {
  tag?: string;
  digest?: string;
}

export type ArtifactState =
  /** `origin`: the base file the version is inherited from, when the artifact's own file lacks it. */
  { kind: 'version'; version: Version; origin?: string } | { kind: 'content'; content: string };

/** `1.4.0`, `1.4.0@sha256:abcd…` (short digest) or `sha256:abcd…`. */
export function formatVersion(version: Version | undefined, short = true): string {
  if (!version || (!version.tag && !version.digest)) return '—';
  const digest =
    version.digest && short
      ? version.digest.replace(/^(\w+:)([0-9a-f]{12})[0-9a-f]*$/i, '$1$2')
      : version.digest;
  if (version.tag && digest) return `${version.tag}@${digest}`;
  return version.tag ?? digest!;
}

export function sameState(a: ArtifactState, b: ArtifactState): boolean {
  if (a.kind === 'content' && b.kind === 'content') return a.content === b.content;
  if (a.kind === 'version' && b.kind === 'version')
    return a.version.tag === b.version.tag && a.version.digest === b.version.digest;
  return false;
}

/**
 * A short fingerprint of a file's content (FNV-1a, 32 bits, hex): enough for a person to see
 * which files are equal in `gantry status` and in messages; not a security hash.
 */
export function contentHash(content: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(content)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** `1.4.0` for a version, `file a1b2c3d4` for a whole file (its content hash). */
export function describeState(state: ArtifactState): string {
  return state.kind === 'version' ? formatVersion(state.version) : `file ${contentHash(state.content)}`;
}

/** One hash over an app's files (template path and content of each): what status and PRs show. */
export function filesHash(files: ReadonlyArray<{ template: string; content: string }>): string {
  return contentHash(files.map((f) => `${f.template}\0${f.content}`).join('\0'));
}
