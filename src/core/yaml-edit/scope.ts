import { ValidationError } from '../errors.ts';
import type { TextEdit } from './edits.ts';
import { embeddedYaml } from './embedded.ts';
import { type KeySegment, parseKeyPath } from './key-path.ts';
import { type DocumentFilter, resolvePath } from './resolve.ts';
import { parseYamlFile, type YamlFile } from './yaml-file.ts';

/** Where an artifact's key is looked up: a file, or the YAML inside one of its block scalars. */
export interface ScopeSettings {
  key: string;
  /** Key path of a literal block scalar holding YAML; `key` is looked up inside it. */
  in?: string;
  /** Only documents whose scalars at these key paths have these values. */
  document?: Readonly<Record<string, string>>;
}

export interface Scope {
  file: YamlFile;
  /** Filter for documents of `file` (none inside a block scalar: it was applied outside). */
  filter: DocumentFilter;
  key: KeySegment[];
  /** Turns an edit of `file.text` into an edit of the real file's text. */
  toOuter(edit: TextEdit): TextEdit;
}

export function openScope(path: string, content: string, settings: ScopeSettings): Scope {
  const outer = parseYamlFile(path, content);
  const filter = documentFilter(settings.document);
  const key = segmentsOf(settings.key);
  if (settings.in === undefined) return { file: outer, filter, key, toOuter: (edit) => edit };
  const embedded = embeddedYaml(outer, resolvePath(outer, segmentsOf(settings.in), filter), settings.in);
  return { file: embedded.file, filter: [], key, toOuter: embedded.toOuter };
}

export function documentFilter(document: Readonly<Record<string, string>> | undefined): DocumentFilter {
  return Object.entries(document ?? {}).map(([path, value]) => ({ segments: segmentsOf(path), value }));
}

export function segmentsOf(key: string): KeySegment[] {
  const parsed = parseKeyPath(key);
  if (!parsed.ok) throw new ValidationError(parsed.error);
  return parsed.segments;
}
