/**
 * Splits what follows the prefix into words: separated by ASCII spaces and tabs, a word may
 * be quoted with "…", '…' or typographic quotes (“…”, ‘…’, as phones type them) to hold
 * spaces. There are no escapes and nothing is expanded: a word is data, never shell text.
 */

export interface Word {
  value: string;
  quoted: boolean;
}

const CLOSING: Record<string, string> = { '"': '"', "'": "'", '\u201c': '\u201d', '\u2018': '\u2019' };

export function tokenize(text: string): { ok: true; words: Word[] } | { ok: false; error: string } {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const closing = CLOSING[c];
    if (closing) {
      const end = text.indexOf(closing, i + 1);
      if (end < 0) return { ok: false, error: `unterminated quote ${c} (close it with ${closing})` };
      const after = text[end + 1];
      if (after !== undefined && after !== ' ' && after !== '\t')
        return { ok: false, error: `a space must follow the closing quote ${closing}` };
      words.push({ value: text.slice(i + 1, end), quoted: true });
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== ' ' && text[end] !== '\t') end++;
    words.push({ value: text.slice(i, end), quoted: false });
    i = end;
  }
  return { ok: true, words };
}
