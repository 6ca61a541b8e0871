import semver from 'semver';
import type { Version } from './artifact-state.ts';

/** `v1.2.3` and `1.2.3` are semver; `sha-1a2b3c`, `main-42`, `latest` are not. */
export function semverOf(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  return semver.valid(tag.replace(/^v(?=\d)/, '')) ?? undefined;
}

/**
 * Orders two versions: negative when `a` is older than `b`, 0 when equal, positive when newer,
 * undefined when there is no sound order. Semver tags compare as semver. Other tags compare
 * by when they reached the source environment (`history`, oldest first) — never lexically,
 * since `sha-9…` is not newer than `sha-1…`.
 */
export function compareVersions(a: Version, b: Version, history: readonly string[] = []): number | undefined {
  if (a.tag === b.tag && a.digest === b.digest) return 0;
  const sa = semverOf(a.tag);
  const sb = semverOf(b.tag);
  if (sa && sb && semver.compare(sa, sb) !== 0) return semver.compare(sa, sb);
  const ia = a.tag === undefined ? -1 : history.lastIndexOf(a.tag);
  const ib = b.tag === undefined ? -1 : history.lastIndexOf(b.tag);
  if (ia >= 0 && ib >= 0 && ia !== ib) return ia - ib;
  return undefined;
}

/** Tags that passed through the source between `from` and `to` (exclusive), in order. */
export function skippedVersions(
  from: Version | undefined,
  to: Version,
  history: readonly string[],
): string[] {
  const end = to.tag === undefined ? -1 : history.lastIndexOf(to.tag);
  if (end < 0) return [];
  const start = from?.tag === undefined ? -1 : history.lastIndexOf(from.tag, end);
  if (start < 0) {
    // Without the old version in history, semver can still tell which tags lie between.
    const lo = semverOf(from?.tag);
    const hi = semverOf(to.tag);
    if (!lo || !hi) return [];
    return unique(
      history.slice(0, end).filter((t) => {
        const s = semverOf(t);
        return s !== undefined && semver.gt(s, lo) && semver.lt(s, hi);
      }),
    );
  }
  return unique(history.slice(start + 1, end).filter((t) => t !== from?.tag && t !== to.tag));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
