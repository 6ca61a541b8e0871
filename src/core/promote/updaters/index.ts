import type { Artifact } from '../../config/schema.ts';
import type { ArtifactState } from '../artifact-state.ts';
import { verbatimFile } from './file.ts';
import { helmValue } from './helm-value.ts';
import { imageRef } from './image-ref.ts';
import { kustomizeImage } from './kustomize-image.ts';
import type { Written } from './updater.ts';

/** Reads the state an artifact holds in a file. */
export function readArtifact(artifact: Artifact, path: string, content: string): ArtifactState {
  switch (artifact.kind) {
    case 'kustomize-image':
      return kustomizeImage.read(path, content, artifact);
    case 'helm-value':
      return helmValue.read(path, content, artifact);
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
): string {
  return updateArtifact(artifact, path, content, state).content;
}

/** `writeArtifact`, also returning the state the file held before (one parse for both). */
export function updateArtifact(
  artifact: Artifact,
  path: string,
  content: string,
  state: ArtifactState,
): Written {
  switch (artifact.kind) {
    case 'kustomize-image':
      return kustomizeImage.write(path, content, artifact, state);
    case 'helm-value':
      return helmValue.write(path, content, artifact, state);
    case 'image-ref':
      return imageRef.write(path, content, artifact, state);
    case 'file':
      return verbatimFile.write(path, content, {}, state);
  }
}
