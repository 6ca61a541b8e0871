// Bundles the GitHub Action (src/entry/action.ts) into the committed dist/index.js
// (`npm run build:action`). Reproducible: same sources and esbuild version give the same
// bytes; test/action/dist.test.ts rebuilds and compares.
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Bundles to `outfile` (absolute), returning nothing; throws on build errors. */
export async function buildAction(outfile: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/entry/action.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    banner: {
      js: '// gantry GitHub Action, bundled from src/entry/action.ts by `npm run build:action`. Do not edit.',
    },
  });
}

if (import.meta.main) {
  await buildAction(join(root, 'dist/index.js'));
  console.log('wrote dist/index.js');
}
