import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.ts';
import { readArtifact, writeArtifact } from '../../../src/core/promote/updaters/index.ts';
import { goldenCases, loadCase } from '../../support/updater-cases.ts';

/**
 * Each case: before.yaml + case.json (artifact, state to write) → exactly after.yaml, or the
 * exact error. Shapes are modelled on public GitOps repositories (see docs/artifacts.md).
 */
describe('updaters: golden files', () => {
  it.each(goldenCases)('%s', (name) => {
    const c = loadCase(name);
    if (c.reads) expect(readArtifact(c.artifact, 'file.yaml', c.before, c.bases)).toEqual(c.reads);
    if (c.error !== undefined) {
      expect(() => writeArtifact(c.artifact, 'file.yaml', c.before, c.state, c.bases)).toThrow(
        ValidationError,
      );
      expect(() => writeArtifact(c.artifact, 'file.yaml', c.before, c.state, c.bases)).toThrow(c.error);
      expect(c.after).toBeUndefined();
      return;
    }
    const written = writeArtifact(c.artifact, 'file.yaml', c.before, c.state, c.bases);
    expect(written).toBe(c.after);
    // The written file reads back as the state that was written (its own value, not a base's).
    const read = readArtifact(c.artifact, 'file.yaml', written, c.bases);
    expect(read.kind === 'version' ? { kind: read.kind, version: read.version } : read).toEqual(c.state);
  });
});
