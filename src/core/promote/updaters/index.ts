import { expandPath } from '../../config/paths.ts';
import type { Artifact } from '../../config/schema.ts';
import { ValidationError } from '../../errors.ts';
import type { ArtifactState } from '../artifact-state.ts';
import { fileKey } from '../file-key.ts';
import { verbatimFile } from './file.ts';
import { helmValue } from './helm-value.ts';
import { imageRef } from './image-ref.ts';
import { kustomizeImage } from './kustomize-image.ts';
import type { BaseFile, Written } from './updater.ts';

export type { BaseFile } from './updater.ts';

/** Reads the state an artifact holds in a file (`bases`: its layered base files, lowest first). */
export function readArtifact(
  artifact: Artifact,
  path: string,
  content: string,
  bases: readonly BaseFile[] = [],
): ArtifactState {
  switch (artifact.kind) {
    case 'kustomize-image':
      return kustomizeImage.read(path, content, artifact);
    case 'helm-value':
      return helmValue.read(path, content, artifact, bases);
    case 'image-ref':
      return imageRef.read(path, content, artifact);
    case 'file':
      return verbatimFile.read(path, content, {});
  }
}

/** Writes a state into a file; the result differs from `content` only where the state lives. */
export function writeArtifact(
  artifact: Artifact,
  path: string,
  content: string,
  state: ArtifactState,
  bases: readonly BaseFile[] = [],
): string {
  return updateArtifact(artifact, path, content, state, bases).content;
}

/** `writeArtifact`, also returning the state the file held before (one parse for both). */
export function updateArtifact(
  artifact: Artifact,
  path: string,
  content: string,
  state: ArtifactState,
  bases: readonly BaseFile[] = [],
): Written {
  switch (artifact.kind) {
    case 'kustomize-image':
      return kustomizeImage.write(path, content, artifact, state);
    case 'helm-value':
      return helmValue.write(path, content, artifact, state, bases);
    case 'image-ref':
      return imageRef.write(path, content, artifact, state);
    case 'file':
      return verbatimFile.write(path, content, {}, state);
  }
}

/** The base files of an artifact at one place (`base:` of a helm-value), lowest precedence first. */
export function basePaths(artifact: Artifact, values: { env: string; app: string }): string[] {
  if (artifact.kind !== 'helm-value' || artifact.base === undefined) return [];
  const bases = typeof artifact.base === 'string' ? [artifact.base] : artifact.base;
  return bases.map((b) => expandPath(b, values));
}

/** `basePaths` with their contents from a batch of fetched files (missing: null). */
export function baseFiles(
  artifact: Artifact,
  values: { env: string; app: string },
  files: ReadonlyMap<string, string | null>,
  /** The repository of the location, when it has its own (files are keyed by `fileKey`). */
  repo?: string,
): BaseFile[] {
  return basePaths(artifact, values).map((path) => ({
    path,
    content: files.get(fileKey(repo, path)) ?? null,
  }));
}

/** Runs an updater for one config entry; its refusal names the entry (`apps.web.artifacts[0]`). */
export function forEntry<T>(entry: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    // Named once: the innermost entry is the most precise.
    if (!(error instanceof ValidationError) || error.message.includes('(apps.')) throw error;
    const Kind = error.constructor as new (message: string, options?: { cause?: unknown }) => ValidationError;
    throw new Kind(`${error.message} (${entry})`, { cause: error });
  }
}
