import { isScalar } from 'yaml';
import { ValidationError } from '../errors.ts';
import type { TextEdit } from './edits.ts';
import { describeNode, type Located } from './resolve.ts';
import { linePos, parseYamlFile, where, type YamlFile } from './yaml-file.ts';

/**
 * YAML held in a literal block scalar (Argo CD's `spec.source.helm.values: |`), parsed on its
 * own, with a way back: an edit of the inner text becomes an edit of the outer file that keeps
 * the block's header (style, indentation indicator, chomping) and every other byte.
 */
export interface Embedded {
  file: YamlFile;
  toOuter(edit: TextEdit): TextEdit;
}

interface Line {
  inner: number;
  outer: number;
  /** Indentation characters dropped from this line (fewer than `indent` on a short blank line). */
  dropped: number;
}

export function embeddedYaml(outer: YamlFile, located: Located, inPath: string): Embedded {
  const node = located.node;
  const at = where(outer, node?.range?.[0] ?? located.pair?.key?.range?.[0] ?? 0);
  if (!isScalar(node) || node.type !== 'BLOCK_LITERAL') {
    const found =
      isScalar(node) && node.type === 'BLOCK_FOLDED'
        ? 'a folded block scalar (>), which joins its lines'
        : describeNode(node);
    throw new ValidationError(
      `${at}: in: ${inPath}: expected a literal block scalar (|) holding YAML, found ${found}`,
    );
  }
  const text = outer.text;
  const [start, end] = node.range!;
  const headerEnd = text.indexOf('\n', start);
  const contentStart = headerEnd < 0 || headerEnd >= end ? end : headerEnd + 1;
  const region = text.slice(contentStart, end);
  const rawLines = region.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const indent = Math.min(
    ...rawLines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length),
    Number.POSITIVE_INFINITY,
  );
  const lines: Line[] = [];
  let innerText = '';
  let offset = contentStart;
  for (const raw of rawLines) {
    const dropped = Math.min(indent, /^ */.exec(raw)![0].length);
    lines.push({ inner: innerText.length, outer: offset, dropped });
    innerText += raw.slice(dropped);
    offset += raw.length;
  }
  // The lines taken must be the block's value: a mismatch (an indentation indicator, odd
  // chomping) is refused rather than edited at the wrong place.
  const normal = (t: string) => t.replaceAll('\r\n', '\n').replace(/\n+$/, '');
  if (normal(innerText) !== normal(String(node.value))) {
    throw new ValidationError(
      `${at}: in: ${inPath}: cannot map the block's lines to its value (an indentation indicator?); write the block without one`,
    );
  }
  const shift = {
    lines: linePos(outer, contentStart).line - 1,
    columns: Number.isFinite(indent) ? indent : 0,
  };
  const file = parseYamlFile(`${outer.path}`, innerText, shift);
  file.eol = outer.eol;
  const pad = ' '.repeat(shift.columns);
  const map = (inner: number): { outer: number; lineStart: boolean } => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]!.inner <= inner) lo = mid;
      else hi = mid - 1;
    }
    const line = lines[lo];
    if (!line || inner >= innerText.length) return { outer: end, lineStart: true };
    if (inner === line.inner) return { outer: line.outer, lineStart: true };
    return { outer: line.outer + line.dropped + (inner - line.inner), lineStart: false };
  };
  return {
    file,
    toOuter(edit) {
      const from = map(edit.start);
      const to = map(edit.end);
      // Every line the edit adds gets the block's indentation, so it stays inside the block.
      let insert = edit.insert.replace(/\n(?=[^\r\n])/g, `\n${pad}`);
      if (from.lineStart && insert !== '' && !insert.startsWith('\r') && !insert.startsWith('\n'))
        insert = pad + insert;
      return { start: from.outer, end: to.outer, insert };
    },
  };
}
