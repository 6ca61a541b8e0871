import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/config/schema.ts';
import type { ArtifactState, Version } from '../../../src/core/promote/artifact-state.ts';
import { readArtifact, writeArtifact } from '../../../src/core/promote/updaters/index.ts';
import { parseYamlFile } from '../../../src/core/yaml-edit/yaml-file.ts';

const dir = join(import.meta.dirname, '../../fixtures/updaters');
const tagChar = fc.constantFrom(...'abcxyz0189._-'.split(''));
const validTag = fc
  .tuple(fc.constantFrom('v', '1', 'a', '_'), fc.array(tagChar, { maxLength: 20 }))
  .map(([head, rest]) => head + rest.join(''));
const digest = fc
  .array(fc.constantFrom(...'0123456789abcdef'.split('')), { minLength: 64, maxLength: 64 })
  .map((h) => `sha256:${h.join('')}`);
/** Helm values are arbitrary strings: quotes, colons, hashes, YAML keywords, unicode, newlines. */
const anyValue = fc.oneof(
  validTag,
  fc.constantFrom(
    'on',
    'no',
    'null',
    '~',
    '1.10',
    '0x1F',
    '1e3',
    '"',
    "'",
    ': x',
    ' #x',
    '- a',
    '[a]',
    '{a}',
    '*a',
    '&a',
    '!tag',
    '%x',
    '@x',
    '`x',
  ),
  fc.string({ minLength: 1, maxLength: 30 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
);

/**
 * States that keep every field the original has (removing a field drops its line and any
 * comment on it, which no later edit can know to restore); fields may be added.
 */
function stateFor(artifact: Artifact, original: ArtifactState): fc.Arbitrary<ArtifactState> {
  if (artifact.kind === 'helm-value') return anyValue.map((tag) => ({ kind: 'version', version: { tag } }));
  const had = original.kind === 'version' ? original.version : {};
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
  } else if ('value' in node) out.set(path, String((node as { type?: string }).type));
}

describe('updaters: an edit followed by the reverse edit restores the original bytes', () => {
  const cases = readdirSync(dir).flatMap((name) => {
    const { artifact } = JSON.parse(readFileSync(join(dir, name, 'case.json'), 'utf8')) as {
      artifact: Artifact;
    };
    const before = readFileSync(join(dir, name, 'before.yaml'), 'utf8');
    try {
      return [{ name, artifact, before, original: readArtifact(artifact, 'f.yaml', before) }];
    } catch {
      return []; // the fixture adds a missing entry: there is no original state to restore
    }
  });

  it.each(cases.filter((c) => !c.name.includes('block-literal')))(
    '$name',
    ({ artifact, before, original }) => {
      fc.assert(
        fc.property(stateFor(artifact, original), (state) => {
          const edited = writeArtifact(artifact, 'f.yaml', before, state);
          expect(readArtifact(artifact, 'f.yaml', edited)).toEqual(state);
          // A value the original style cannot hold (plain `on`, a quote inside '…') is re-quoted:
          // correct, but the reverse edit then keeps the new quotes. Restoring is promised otherwise.
          const kept = styles(edited);
          fc.pre([...styles(before)].every(([path, style]) => kept.get(path) === style));
          expect(writeArtifact(artifact, 'f.yaml', edited, original)).toBe(before);
        }),
        { numRuns: 150 },
      );
    },
  );
});
