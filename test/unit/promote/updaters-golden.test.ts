import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/config/schema.ts';
import type { ArtifactState } from '../../../src/core/promote/artifact-state.ts';
import { readArtifact, writeArtifact } from '../../../src/core/promote/updaters/index.ts';

const dir = join(import.meta.dirname, '../../fixtures/updaters');

/** Each case: before.yaml + case.json (artifact, state to write) → exactly after.yaml. */
describe('updaters: golden files', () => {
  const cases = readdirSync(dir);

  it.each(cases)('%s', (name) => {
    const { artifact, state } = JSON.parse(readFileSync(join(dir, name, 'case.json'), 'utf8')) as {
      artifact: Artifact;
      state: ArtifactState;
    };
    const before = readFileSync(join(dir, name, 'before.yaml'), 'utf8');
    const after = readFileSync(join(dir, name, 'after.yaml'), 'utf8');
    const written = writeArtifact(artifact, 'file.yaml', before, state);
    expect(written).toBe(after);
    // The written file reads back as the state that was written.
    expect(readArtifact(artifact, 'file.yaml', written)).toEqual(state);
  });
});
