import { type Document, isDocument, LineCounter, parseAllDocuments } from 'yaml';
import { ValidationError } from '../errors.ts';

/** A YAML file parsed for editing: every node keeps its byte range in `text`. */
export interface YamlFile {
  path: string;
  text: string;
  docs: Document.Parsed[];
  /** The file's line ending, used for any line gantry adds. */
  eol: '\n' | '\r\n';
  lines: LineCounter;
  /** Where `text` starts in the real file (YAML embedded in a block scalar): lines before it, columns left of it. */
  shift?: { lines: number; columns: number };
}

export function parseYamlFile(path: string, text: string, shift?: YamlFile['shift']): YamlFile {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, keepSourceTokens: false });
  // parseAllDocuments returns an EmptyStream (no documents) for an empty file.
  const docs = (Array.isArray(parsed) ? parsed : []).filter(isDocument) as Document.Parsed[];
  const file: YamlFile = { path, text, docs, eol: text.includes('\r\n') ? '\r\n' : '\n', lines };
  if (shift) file.shift = shift;
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const { line, col } = linePos(file, error.pos[0]);
      throw new ValidationError(`${path}:${line}:${col}: malformed YAML: ${error.message.split('\n')[0]}`);
    }
  }
  return file;
}

/** Line and column (1-based) of an offset in the real file. */
export function linePos(file: YamlFile, offset: number): { line: number; col: number } {
  const { line, col } = file.lines.linePos(offset);
  return { line: line + (file.shift?.lines ?? 0), col: col + (file.shift?.columns ?? 0) };
}

/** `path:line` of an offset, for messages. */
export function where(file: YamlFile, offset: number): string {
  return `${file.path}:${linePos(file, offset).line}`;
}
