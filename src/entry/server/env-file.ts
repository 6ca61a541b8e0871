import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Sets variables in a dotenv file as `gantry serve` reads it back (process.loadEnvFile):
 * each value double-quoted with newlines as `\n`, which Node expands again. Lines for other
 * variables are kept as they were; the file is replaced whole and readable by its owner only,
 * since it holds the App's private key.
 */
export function updateEnvFile(path: string, values: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`not a variable name: ${name}`);
    // Node's parser has no escape for a double quote or a backslash inside "...".
    if (/["\\\r]/.test(value))
      throw new Error(`${name}: a value with ", \\ or CR cannot be written to ${path}`);
  }
  const names = new Set(Object.keys(values));
  const kept = existsSync(path) ? withoutVariables(readFileSync(path, 'utf8'), names) : [];
  while (kept.length > 0 && kept.at(-1) === '') kept.pop();
  const lines = Object.entries(values).map(([name, value]) => `${name}="${value.replace(/\n/g, '\\n')}"`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${[...kept, ...lines].join('\n')}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** The file's lines less those that set one of `names`, multi-line quoted values included. */
function withoutVariables(text: string, names: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  let closing: string | undefined;
  for (const line of text.split('\n')) {
    if (closing) {
      if (line.includes(closing)) closing = undefined;
      continue;
    }
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match || !names.has(match[1]!)) {
      kept.push(line);
      continue;
    }
    const quote = /^["'`]/.exec(match[2]!)?.[0];
    if (quote && !match[2]!.slice(1).includes(quote)) closing = quote;
  }
  return kept;
}
