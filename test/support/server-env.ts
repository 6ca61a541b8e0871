import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.ts';

/** The environment variables `gantry serve` reads (`env.NAME` in src/entry/server/). */
export function serverVariables(): Set<string> {
  const dir = join(repoRoot, 'src/entry/server');
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [...readFileSync(join(dir, f), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!),
    );
  return new Set(names);
}
