/**
 * Finds the lines of a Markdown comment that are commands, the way the comment renders:
 * lines inside fenced code blocks, indented code, block quotes (with their lazy
 * continuation lines) and HTML comments are never commands. A command line starts, after at
 * most three spaces, with a prefix in plain ASCII followed by a space, a tab or the end of
 * the line; nothing is normalised into a prefix, so homoglyphs (`/gаntry` with a Cyrillic
 * `а`), zero-width characters and other lookalikes never make a line a command.
 */

export interface PrefixedLine {
  /** 1-based line number in the comment. */
  number: number;
  /** The line without its leading spaces and trailing whitespace. */
  text: string;
  /** What follows the prefix. */
  rest: string;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const QUOTE = /^ {0,3}>/;
const HTML_COMMENT_OPEN = /^ {0,3}<!--/;
/** Four columns of indentation: a tab after at most three spaces reaches them too. */
const INDENTED = /^( {4}| {0,3}\t)/;
const BLANK = /^[ \t]*$/;

/** `prefixes` are lowercase ASCII (`/gantry`, `@gantry-bot`); letters match in either case. */
export function prefixedLines(body: string, prefixes: readonly string[]): PrefixedLine[] {
  const found: PrefixedLine[] = [];
  let fence: { char: string; length: number } | undefined;
  let inHtmlComment = false;
  let inQuote = false;
  const lines = body.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence) {
      const close = FENCE_CLOSE.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    if (inHtmlComment) {
      if (line.includes('-->')) inHtmlComment = false;
      continue;
    }
    if (BLANK.test(line)) {
      inQuote = false;
      continue;
    }
    if (QUOTE.test(line)) {
      inQuote = true;
      continue;
    }
    // A line right after a quoted line, without a blank line between, renders inside the quote.
    if (inQuote) continue;
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) {
      fence = { char: open[1]![0]!, length: open[1]!.length };
      continue;
    }
    if (HTML_COMMENT_OPEN.test(line)) {
      inHtmlComment = !line.slice(line.indexOf('<!--') + 4).includes('-->');
      continue;
    }
    if (INDENTED.test(line)) continue;
    const text = line.replace(/^ {0,3}/, '').replace(/[ \t]+$/, '');
    for (const prefix of prefixes) {
      if (startsWithPrefix(text, prefix)) {
        found.push({ number: i + 1, text, rest: text.slice(prefix.length) });
        break;
      }
    }
  }
  return found;
}

/** ASCII-only, case-insensitive comparison, then a space, a tab or the end of the line. */
function startsWithPrefix(text: string, prefix: string): boolean {
  if (text.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    const code = text.charCodeAt(i);
    const lower = code >= 65 && code <= 90 ? code + 32 : code;
    if (lower !== prefix.charCodeAt(i)) return false;
  }
  const next = text[prefix.length];
  return next === undefined || next === ' ' || next === '\t';
}
