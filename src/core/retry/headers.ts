/**
 * The wait a server asks for in its response headers, in milliseconds, or undefined.
 * `Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3); `RateLimit-Reset`
 * (GitLab) and `x-ratelimit-reset` (GitHub) are Unix epoch seconds of the window's reset.
 */
export function retryAfterMs(
  header: (name: string) => string | undefined,
  now: number,
  resetHeaders: readonly string[] = [],
): number | undefined {
  const retryAfter = header('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  for (const name of resetHeaders) {
    const reset = header(name)?.trim();
    if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  }
  return undefined;
}
