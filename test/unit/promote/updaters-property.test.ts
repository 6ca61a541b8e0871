import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/config/schema.ts';
import type { ArtifactState, Version } from '../../../src/core/promote/artifact-state.ts';
import { readArtifact, writeArtifact } from '../../../src/core/promote/updaters/index.ts';
import { parseYamlFile } from '../../../src/core/yaml-edit/yaml-file.ts';
import { goldenCases, loadCase } from '../../support/updater-cases.ts';

/** The OCI tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, biased towards YAML-ambiguous shapes. */
const tagHead = fc.constantFrom(...'abcxyzABCXYZ0189_'.split(''));
const tagChar = fc.constantFrom(...'abcexyzABEXYZ01289._-'.split(''));
const validTag = fc.oneof(
  fc.tuple(tagHead, fc.array(tagChar, { maxLength: 30 })).map(([head, rest]) => head + rest.join('')),
  // Shapes YAML readers retype when plain: numbers, floats, octal/hex, booleans, null, dates.
  fc.constantFrom(
    '1.20',
    '1.10',
    '010',
    '0x1F',
    '1e3',
    '1_000',
    'true',
    'No',
    'on',
    'null',
    'Null',
    '2024-01-01',
  ),
);
const digest = fc
  .array(fc.constantFrom(...'0123456789abcdef'.split('')), { minLength: 64, maxLength: 64 })
  .map((h) => `sha256:${h.join('')}`);
/** Helm values are arbitrary one-line strings: quotes, colons, hashes, YAML keywords, unicode. */
const anyValue = fc
  .oneof(
    validTag,
    fc.constantFrom('"', "'", ': x', ' #x', '- a', '[a]', '{a}', '*a', '&a', '!tag', '%x', '@x', '`x', '~'),
    fc.string({ minLength: 1, maxLength: 30 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
  )
  .filter((v) => !/[\r\n]/.test(v) && v.trim() !== '');

/**
 * States that keep every field the original has (removing a field drops its line and any
 * comment on it, which no later edit can know to restore); fields may be added.
 */
function stateFor(
  artifact: Artifact,
  original: ArtifactState | undefined,
  any = true,
): fc.Arbitrary<ArtifactState> {
  if (artifact.kind === 'helm-value')
    return (any ? anyValue : validTag).map((tag) => ({ kind: 'version', version: { tag } }));
  const had = original?.kind === 'version' ? original.version : {};
  const field = (present: unknown, arb: fc.Arbitrary<string>) =>
    present ? arb : fc.option(arb, { nil: undefined });
  return fc
    .record({ tag: field(had.tag, validTag), digest: field(had.digest, digest) })
    .filter((v) => v.tag !== undefined || v.digest !== undefined)
    .map((v) => ({ kind: 'version', version: JSON.parse(JSON.stringify(v)) as Version }));
}

/** The quoting style of every scalar, by its path: what a style-preserving edit keeps. */
function styles(content: string): Map<string, string> {
  const out = new Map<string, string>();
  parseYamlFile('f.yaml', content).docs.forEach((doc, i) => {
    visit(doc.contents, `${i}`, out);
  });
  return out;
}

function visit(node: unknown, path: string, out: Map<string, string>): void {
  if (!node || typeof node !== 'object') return;
  const items = (node as { items?: unknown[] }).items;
  if (items) {
    items.forEach((item, i) => {
      if (item && typeof item === 'object' && 'key' in item) {
        const { key, value } = item as { key: { value?: unknown }; value: unknown };
        visit(value, `${path}.${String(key?.value)}`, out);
      } else visit(item, `${path}[${i}]`, out);
    });
  } else if ('value' in node) {
    const { type, value } = node as { type?: string; value: unknown };
    out.set(path, String(type));
    // YAML embedded in a block scalar (Argo CD helm.values) has styles of its own.
    if (type === 'BLOCK_LITERAL' && typeof value === 'string') {
      try {
        parseYamlFile('inner.yaml', value).docs.forEach((doc) => {
          visit(doc.contents, `${path}|`, out);
        });
      } catch {
        // not YAML: only its own style counts
      }
    }
  }
}

const own = (state: ArtifactState): ArtifactState =>
  state.kind === 'version' ? { kind: 'version', version: state.version } : state;

const cases = goldenCases
  .map(loadCase)
  .filter((c) => c.error === undefined && c.artifact.kind !== 'file')
  .map((c) => {
    let original: ArtifactState | undefined;
    try {
      original = readArtifact(c.artifact, 'f.yaml', c.before, c.bases);
    } catch {
      original = undefined; // the case adds a missing entry or list: there is no original state
    }
    return { ...c, original };
  });

describe('updaters: what is written reads back as written (every updater, every golden shape)', () => {
  it.each(cases)('$name', ({ artifact, before, bases, original }) => {
    fc.assert(
      fc.property(stateFor(artifact, original), (state) => {
        const edited = writeArtifact(artifact, 'f.yaml', before, state, bases);
        expect(own(readArtifact(artifact, 'f.yaml', edited, bases))).toEqual(state);
      }),
      { numRuns: 100 },
    );
  });
});

describe('updaters: an edit followed by the reverse edit restores the original bytes', () => {
  // Defined where the file holds the value itself and writing it back unchanged is a no-op (a
  // plain `1.20` is re-quoted on any write, an inherited value has no line of its own to restore).
  const reversible = cases.filter(
    (c) =>
      c.original !== undefined &&
      (c.original as { origin?: string }).origin === undefined &&
      writeArtifact(c.artifact, 'f.yaml', c.before, c.original, c.bases) === c.before,
  );

  it('covers the embedded, multi-document and list-of-strings shapes', () => {
    const names = reversible.map((c) => c.name);
    for (const name of [
      'argocd-helm-values-in-block',
      'argocd-kustomize-images-string',
      'argocd-multi-document-selected',
    ])
      expect(names).toContain(name);
  });

  it.each(reversible)('$name', ({ artifact, before, bases, original }) => {
    fc.assert(
      fc.property(stateFor(artifact, original), (state) => {
        const edited = writeArtifact(artifact, 'f.yaml', before, state, bases);
        // A value the original style cannot hold (plain `on`, a quote inside '…') is re-quoted:
        // correct, but the reverse edit then keeps the new quotes. Restoring is promised otherwise.
        const kept = styles(edited);
        fc.pre([...styles(before)].every(([path, style]) => kept.get(path) === style));
        expect(writeArtifact(artifact, 'f.yaml', edited, original!, bases)).toBe(before);
      }),
      { numRuns: 150 },
    );
  });

  it('an inherited value written back into the override file leaves it as it was', () => {
    for (const c of cases.filter((x) => (x.original as { origin?: string } | undefined)?.origin)) {
      expect(writeArtifact(c.artifact, 'f.yaml', c.before, c.original!, c.bases)).toBe(c.before);
    }
  });
});
