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
