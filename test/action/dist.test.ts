import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildAction } from '../../scripts/build-action.ts';
import { repoRoot } from '../support/cli.ts';

describe('the Action bundle', () => {
  it('dist/index.js is exactly what `npm run build:action` builds from the sources', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gantry-dist-')), 'index.js');
    await buildAction(out);
    const committed = readFileSync(join(repoRoot, 'dist/index.js'), 'utf8');
    expect(readFileSync(out, 'utf8') === committed, 'dist/index.js is stale; run npm run build:action').toBe(
      true,
    );
  });

  it('action.yml runs it on node24', () => {
    const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8'));
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(action.outputs)).toEqual(['image', 'tags', 'digest', 'labels', 'metadata']);
  });
});
