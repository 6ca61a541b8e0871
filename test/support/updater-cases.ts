import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from '../../src/core/config/schema.ts';
import type { ArtifactState } from '../../src/core/promote/artifact-state.ts';
import type { BaseFile } from '../../src/core/promote/updaters/index.ts';

const dir = join(import.meta.dirname, '../fixtures/updaters');

export interface GoldenCase {
  artifact: Artifact;
  state: ArtifactState;
  /** What `before.yaml` reads as, when the case checks it (e.g. an inherited value's origin). */
  reads?: ArtifactState;
  /** Base files in the case's folder, lowest precedence first (layered Helm values). */
  bases?: string[];
  /** The write is refused with exactly this message (no after.yaml then). */
  error?: string;
}

export function loadCase(name: string) {
  const spec = JSON.parse(readFileSync(join(dir, name, 'case.json'), 'utf8')) as GoldenCase;
  const before = readFileSync(join(dir, name, 'before.yaml'), 'utf8');
  const afterPath = join(dir, name, 'after.yaml');
  const after = existsSync(afterPath) ? readFileSync(afterPath, 'utf8') : undefined;
  const bases: BaseFile[] = (spec.bases ?? []).map((base) => ({
    path: base,
    content: readFileSync(join(dir, name, base), 'utf8'),
  }));
  return { name, ...spec, before, after, bases };
}

export const goldenCases = readdirSync(dir).sort();
