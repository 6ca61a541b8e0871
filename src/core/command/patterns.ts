/**
 * What each argument of a command may look like. Arguments are data: they end up in branch
 * names, file paths, YAML, PromQL windows and Markdown, so each is held to a strict ASCII
 * pattern here, before anything else sees it. Free text (a freeze reason) is the exception:
 * it may be any printable Unicode, is written with a YAML serialiser and shown escaped.
 */

/** Limits on what a comment may ask for; anything over them is refused with a message. */
export const LIMITS = {
  /** Characters in a comment that carries commands (GitHub allows 65,536). */
  commentChars: 10_000,
  /** Characters in one command line. */
  lineChars: 500,
  /** Commands in one comment; more are refused as a whole (none run). */
  commands: 5,
  /** Words after the verb in one command. */
  args: 16,
  /** Characters of a freeze reason. */
  reasonChars: 200,
} as const;

/** An environment (`prod`) or one of its targets (`prod/eu-west`), as the config schema allows them. */
export const ENVIRONMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,62}(\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,62}){0,3}$/;
/** An app name: lowercase DNS label, as in the config schema. */
export const APP = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A duration such as `30s`, `15m`, `2h`, `1d`. */
export const DURATION = /^[1-9][0-9]{0,3}[smhd]$/;
/** An image tag (the OCI distribution grammar): `1.4.0`, `v1.4.0`, `sha-9f2c1e7`. */
export const VERSION = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Characters never accepted in free text: C0/C1 controls, zero-width and joiner characters,
 * bidirectional overrides and isolates (they make text read differently from what it is).
 */
const UNSAFE_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters refused
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/u;

export function unsafeCharacter(text: string): string | undefined {
  const match = UNSAFE_TEXT.exec(text);
  return match ? codePoint(match[0]) : undefined;
}

/** `U+200B`. */
export function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A word as typed, safe to quote back: printable ASCII kept (a backslash doubled), anything else shown as `\u{…}`
 * so a homoglyph or an invisible character is visible in the reply; long words cut.
 */
export function shown(word: string, max = 40): string {
  const chars = [...word];
  const cut = chars.length > max ? chars.slice(0, max) : chars;
  const text = cut
    .map((c) =>
      c === '\\' ? '\\\\' : /^[\x20-\x7e]$/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`,
    )
    .join('');
  return `"${text}${chars.length > max ? '…' : ''}"`;
}
