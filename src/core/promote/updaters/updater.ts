import type { ArtifactState } from '../artifact-state.ts';

/**
 * A pure file updater: reads an artifact's state from a file's text, and writes a state into
 * a file's text. Writing changes only the scalars (or lines) that hold the state: comments,
 * key order, quoting, indentation, line endings and other documents stay byte-identical.
 * Errors name the file, the key path and what was found there.
 */
export interface Updater<Settings> {
  read(path: string, content: string, settings: Settings, bases?: readonly BaseFile[]): ArtifactState;
  /** The new text, and the state the file held before (undefined when the entry was added). */
  write(
    path: string,
    content: string,
    settings: Settings,
    state: ArtifactState,
    bases?: readonly BaseFile[],
  ): Written;
}

/** A lower-precedence file a value may be inherited from (a shared Helm `values.yaml`); null: absent. */
export interface BaseFile {
  path: string;
  content: string | null;
}

export interface Written {
  content: string;
  previous: ArtifactState | undefined;
}
