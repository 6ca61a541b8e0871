/**
 * `npm run docs`: regenerates the references in docs/ from the code (the zod schema, the
 * commander tree). `--check` writes nothing and exits 1 when a file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { configJsonSchema } from '../../src/core/config/json-schema.ts';
import { cliReference } from './cli-reference.ts';
import { configReference } from './config-reference.ts';

export function generatedDocs(): Record<string, string> {
  return {
    'docs/configuration.md': configReference(configJsonSchema()),
    'docs/cli-reference.md': cliReference(),
  };
}

if (import.meta.main) {
  const root = new URL('../../', import.meta.url);
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [path, text] of Object.entries(generatedDocs())) {
    const file = new URL(path, root);
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current === text) continue;
    if (check) {
      console.error(`${path} is out of date: run npm run docs`);
      stale++;
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${path}`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}
