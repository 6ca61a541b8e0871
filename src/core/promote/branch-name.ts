/** Branch names gantry owns: `gantry/<env or target>/<app>`, valid for `git check-ref-format --branch`. */

export const BRANCH_PREFIX = 'gantry/';
export const MAX_BRANCH_BYTES = 200;

export function promotionBranch(destination: string, app: string): string {
  const name = `${BRANCH_PREFIX}${[...destination.split('/'), app].map(cleanSegment).join('/')}`;
  return capBytes(name);
}

/** git's ref-format rules for one path component (see git-check-ref-format(1)). */
function cleanSegment(segment: string): string {
  let out = segment
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are forbidden in refs
    .replace(/[\u0000-\u0020\u007f~^:?*[\\/]/g, '-')
    .replace(/@\{/g, '-{')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+/, '')
    .replace(/\.lock$/i, '-lock')
    .replace(/\.+$/, '');
  if (out === '' || out === '@') out = '_';
  return out;
}

/** Long names keep a readable head plus a hash of the whole name, so they stay unique. */
function capBytes(name: string): string {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length <= MAX_BRANCH_BYTES) return name;
  const suffix = `-${fnv1a(name)}`;
  let head = new TextDecoder().decode(bytes.slice(0, MAX_BRANCH_BYTES - suffix.length));
  head = head.replace(/\uFFFD+$/, '').replace(/[./]+$/, '');
  return `${head}${suffix}`;
}

/** FNV-1a 32-bit, hex: a small, stable, dependency-free hash for names. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
