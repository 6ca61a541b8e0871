import { ValidationError } from '../errors.ts';

/** Longest ref slug, as GitLab's CI_COMMIT_REF_SLUG: it must fit a DNS label. */
export const SLUG_MAX = 63;

/**
 * A branch or tag name as an image-tag-safe slug: ASCII-lowercased, every byte that is not
 * [a-z0-9] becomes "-", runs of "-" collapse, no "-" at either end, at most 63 characters.
 *
 * It works on UTF-8 *bytes*, not characters, because the POSIX `sh` job script computes the
 * same slug with `tr`, which is byte-based in both GNU coreutils and busybox: "fix-ü" gives
 * "fix" in both. Both implementations are tested against one table (test/support/tag-cases.ts).
 */
export function refSlug(ref: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(ref)) {
    const lower = byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
    const keep = (lower >= 0x61 && lower <= 0x7a) || (lower >= 0x30 && lower <= 0x39);
    out += keep ? String.fromCharCode(lower) : '-';
  }
  return out.replace(/-+/g, '-').replace(/^-/, '').replace(/-$/, '').slice(0, SLUG_MAX).replace(/-$/, '');
}

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/** The first 8 hex digits of a commit (GitLab's CI_COMMIT_SHORT_SHA length). */
export function shortSha(sha: string): string {
  if (!SHA.test(sha)) {
    throw new ValidationError(`commit "${sha}" is not a full commit sha (40 or 64 lowercase hex digits)`);
  }
  return sha.slice(0, 8);
}
