/** Markdown helpers shared by PR bodies, comments and reports. */

/** Text safe inside a table cell: no pipes, line breaks or HTML. */
export function cell(text: string): string {
  return inline(text).replaceAll('|', '\\|');
}

/** Text safe inline: HTML and Markdown control characters escaped, one line. */
export function inline(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]<>#!]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;');
}

/** `code` span that survives backticks inside. */
export function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return clean.startsWith('`') || clean.endsWith('`')
    ? `${fence} ${clean} ${fence}`
    : `${fence}${clean}${fence}`;
}

export function link(text: string, url: string): string {
  return `[${inline(text)}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
}

/** A hidden block a bot can find again in a body or comment: `<!-- name:payload -->`. */
export function hiddenMarker(name: string, payload = ''): string {
  return `<!-- ${name}${payload ? `:${payload}` : ''} -->`;
}
