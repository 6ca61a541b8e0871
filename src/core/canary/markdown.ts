/**
 * Markdown that stays what it says on GitHub and GitLab whatever the text holds: error
 * messages from Prometheus and names from configuration are shown, never interpreted.
 */

/** Text for a table cell or a line of prose: no HTML, no markdown structure, no @mentions. */
export function inlineText(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#!$])/g, '\\$1')
    .replace(/@/g, '@\u200b');
}

/** A fenced code block whose fence is longer than any run of backticks in `code`. */
export function codeBlock(code: string, language = ''): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${code}\n${fence}`;
}

/** A link whose URL cannot end the markdown link early. */
export function link(label: string, url: string): string {
  const safe = url.replace(
    /[()<>\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${inlineText(label)}](<${safe}>)`;
}
