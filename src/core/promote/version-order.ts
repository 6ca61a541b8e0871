import semver from 'semver';
import type { Version } from './artifact-state.ts';

/**
 * What git history says about an app's versions: per location, in pipeline order (the first
 * environment first), the tags its version file held, oldest first. A bare list is one
 * location's (the source's) arrival order.
 */
export interface VersionHistory {
  locations: ReadonlyArray<{ name: string; tags: readonly string[] }>;
}

export type HistoryInput = VersionHistory | readonly string[];

/** `v1.2.3` and `1.2.3` are semver; `sha-1a2b3c`, `main-42`, `latest` are not. */
export function semverOf(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const bare = tag.replace(/^v(?=\d)/, '');
  // The build writes semver build metadata with `_` (`+` is not allowed in image tags).
  return semver.valid(bare) ?? semver.valid(bare.replace('_', '+')) ?? undefined;
}

/**
 * The numbers of a dotted numeric or calendar version (`1.0`, `v5`, `2024.06.1`), or of a
 * semver release part, with the semver pre-release when there is one. Undefined for anything
 * else (`sha-…`, dates with dashes, names): those have no order of their own.
 */
export function numericOf(tag: string | undefined): { parts: string[]; pre?: string } | undefined {
  if (!tag) return undefined;
  const strict = semverOf(tag);
  if (strict) {
    const parsed = semver.parse(strict)!;
    const pre = parsed.prerelease.length ? parsed.prerelease.join('.') : undefined;
    return { parts: [parsed.major, parsed.minor, parsed.patch].map(String), ...(pre ? { pre } : {}) };
  }
  const match = /^v?(\d+(?:\.\d+)*)$/.exec(tag);
  return match ? { parts: match[1]!.split('.').map((p) => p.replace(/^0+(?=\d)/, '')) } : undefined;
}

function compareDigits(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric order of two versions when both have one (`1.0` < `1.0.1` < `2.0` = `v2`), else undefined. */
export function compareNumeric(a: string | undefined, b: string | undefined): number | undefined {
  const na = numericOf(a);
  const nb = numericOf(b);
  if (!na || !nb) return undefined;
  const sa = semverOf(a);
  const sb = semverOf(b);
  if (sa && sb) return Math.sign(semver.compare(sa, sb));
  for (let i = 0; i < Math.max(na.parts.length, nb.parts.length); i++) {
    const c = compareDigits(na.parts[i] ?? '0', nb.parts[i] ?? '0');
    if (c !== 0) return Math.sign(c);
  }
  // Same numbers: a pre-release comes before its release.
  if (na.pre && !nb.pre) return -1;
  if (!na.pre && nb.pre) return 1;
  return 0;
}

function locationsOf(history: HistoryInput | undefined): VersionHistory['locations'] {
  if (!history) return [];
  return Array.isArray(history)
    ? [{ name: '', tags: history as readonly string[] }]
    : (history as VersionHistory).locations;
}

/**
 * Order by history: the first location (in pipeline order) that held both tags says which
 * reached it first. A tag is placed by its first arrival, so a rollback does not make an old
 * version new again.
 */
export function compareByHistory(
  a: string,
  b: string,
  history: HistoryInput | undefined,
): number | undefined {
  for (const { tags } of locationsOf(history)) {
    const ia = tags.indexOf(a);
    const ib = tags.indexOf(b);
    if (ia >= 0 && ib >= 0 && ia !== ib) return Math.sign(ia - ib);
  }
  return undefined;
}

/**
 * Orders two versions: negative when `a` is older than `b`, 0 when they are the same version,
 * positive when newer, undefined when there is no sound order. Semver and dotted numeric
 * versions compare by their numbers; others by when they first reached an environment in
 * git history — never lexically, since `sha-9…` is not newer than `sha-1…`.
 */
export function compareVersions(a: Version, b: Version, history?: HistoryInput): number | undefined {
  if (a.tag === b.tag && (a.digest === b.digest || a.tag !== undefined)) return 0;
  if (a.tag === undefined || b.tag === undefined) {
    // Digest-only versions are ordered by history when it holds them, like any other name.
    return a.digest && b.digest ? compareByHistory(a.digest, b.digest, history) : undefined;
  }
  const numeric = compareNumeric(a.tag, b.tag);
  if (numeric !== undefined && numeric !== 0) return numeric;
  if (numeric === 0) return 0;
  return compareByHistory(a.tag, b.tag, history);
}

/** What the planner concluded about moving a location from one version to another. */
export type Move =
  | { kind: 'forward' }
  | { kind: 'same' }
  | { kind: 'older'; why: string }
  | { kind: 'unordered'; why: string };

/**
 * Decides a move of `location` from `from` to `to`. A version the location ran before its
 * current one counts as older whatever its number (going back to it is a rollback); then
 * numbers; then history; else the order is unknown, with the reason.
 */
export function judgeMove(
  location: string,
  from: Version,
  to: Version,
  history: HistoryInput | undefined,
): Move {
  const order = compareVersions(to, from, history);
  if (order === 0) return { kind: 'same' };
  const own = locationsOf(history).find((l) => l.name === location)?.tags ?? [];
  const key = to.tag ?? to.digest;
  const ranAt = key === undefined ? -1 : own.indexOf(key);
  const currentAt = own.lastIndexOf((from.tag ?? from.digest)!);
  if (ranAt >= 0 && (currentAt < 0 || ranAt < currentAt)) {
    return { kind: 'older', why: `${location} ran ${key} before its current ${from.tag ?? from.digest}` };
  }
  if (order === undefined) {
    const read = locationsOf(history).filter((l) => l.tags.length > 0);
    return {
      kind: 'unordered',
      why: read.length
        ? `${key} and ${from.tag ?? from.digest} are not version numbers, and no environment's git history holds both`
        : `${key} and ${from.tag ?? from.digest} are not version numbers, and no git history was available to order them`,
    };
  }
  if (order < 0) return { kind: 'older', why: `${key} is older than ${from.tag ?? from.digest}` };
  return { kind: 'forward' };
}

/**
 * Versions strictly between `from` and `to`, oldest first: every tag history shows that
 * orders after `from` and before `to`. A move back (a rollback) skips nothing.
 */
export function skippedVersions(from: Version | undefined, to: Version, history: HistoryInput): string[] {
  if (!from?.tag || !to.tag) return [];
  const candidates = [...new Set(locationsOf(history).flatMap((l) => l.tags))].filter(
    (t) => t !== from.tag && t !== to.tag,
  );
  const between = candidates.filter((t) => {
    const afterFrom = compareVersions({ tag: t }, from, history);
    const beforeTo = compareVersions({ tag: t }, to, history);
    return afterFrom !== undefined && afterFrom > 0 && beforeTo !== undefined && beforeTo < 0;
  });
  return between.sort((x, y) => compareVersions({ tag: x }, { tag: y }, history) ?? 0);
}
