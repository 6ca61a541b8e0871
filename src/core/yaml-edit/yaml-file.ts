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
}

export function parseYamlFile(path: string, text: string): YamlFile {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, keepSourceTokens: false });
  // parseAllDocuments returns an EmptyStream (no documents) for an empty file.
  const docs = (Array.isArray(parsed) ? parsed : []).filter(isDocument) as Document.Parsed[];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const { line, col } = lines.linePos(error.pos[0]);
      throw new ValidationError(`${path}:${line}:${col}: malformed YAML: ${error.message.split('\n')[0]}`);
    }
  }
  return { path, text, docs, eol: text.includes('\r\n') ? '\r\n' : '\n', lines };
}

/** `path:line` of an offset, for messages. */
export function where(file: YamlFile, offset: number): string {
  return `${file.path}:${file.lines.linePos(offset).line}`;
}
