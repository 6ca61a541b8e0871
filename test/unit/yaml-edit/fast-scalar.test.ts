import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isScalar, stringify } from 'yaml';
import { helmValue } from '../../../src/core/promote/updaters/helm-value.ts';
import { scanScalar } from '../../../src/core/yaml-edit/fast-scalar.ts';
import { type KeySegment, parseKeyPath } from '../../../src/core/yaml-edit/key-path.ts';
import { resolveScalar } from '../../../src/core/yaml-edit/resolve.ts';
import { parseYamlFile } from '../../../src/core/yaml-edit/yaml-file.ts';
import { goldenCases, loadCase } from '../../support/updater-cases.ts';

const segments = (key: string) => (parseKeyPath(key) as { segments: KeySegment[] }).segments;

/** What the full parse finds at a key path: the scalar's text and byte range, or undefined. */
function full(text: string, path: KeySegment[]) {
  try {
    const { node, value } = resolveScalar(parseYamlFile('f.yaml', text), path);
    return { value, start: node.range![0], end: node.range![1] };
  } catch {
    return undefined;
  }
}

let answered = 0;

function agrees(text: string, path: KeySegment[]) {
  const fast = scanScalar(text, path);
  // The scan may decline (undefined); when it answers, it is the parser's answer exactly.
  if (fast) expect({ value: fast.value, start: fast.start, end: fast.end }).toEqual(full(text, path));
  if (fast) answered++;
  return fast !== undefined;
}

const key = fc.constantFrom('image', 'tag', 'repository', 'web', 'api', 'env', 'name', 'value', 'a b', 'x-y');
const leaf = fc.oneof(
  fc.constantFrom(
    '1.20',
    '010',
    'v1.4.0',
    'on',
    'null',
    '~',
    '',
    'a: b',
    'a #b',
    '#x',
    "it's",
    'say "hi"',
    'x\ny',
    '- a',
    '[a]',
    'é',
    ' lead',
  ),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const tree = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  ),
})).node;
const options = fc.record({
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN'),
  flowCollectionPadding: fc.boolean(),
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
}) as fc.Arbitrary<Parameters<typeof stringify>[2] & object>;

/** Every key path in a parsed document that ends at a scalar, plus some that do not exist. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return [[...prefix, 'missing'], ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

describe('scanScalar (the line scan) finds what the full parse finds, or declines', () => {
  it('on generated files of every style, comments and line endings', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }),
        options,
        fc.boolean(),
        fc.boolean(),
        (doc, opts, comments, crlf) => {
          let text = stringify(doc, opts);
          if (comments)
            text = text.replace(/\n/g, (m, at: number) =>
              at % 3 === 0 ? '  # note\n' : at % 5 === 0 ? '\n# line\n' : m,
            );
          if (crlf) text = text.replaceAll('\n', '\r\n');
          try {
            parseYamlFile('f.yaml', text);
          } catch {
            fc.pre(false); // a comment placed where YAML forbids it
          }
          for (const path of paths(doc)) {
            if (path.length === 0 || path.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) continue;
            agrees(text, segments(path.join('.')));
          }
        },
      ),
      { numRuns: 400 },
    );
    // Not vacuous: the scan did answer on many of the generated files.
    expect(answered).toBeGreaterThan(50);
  });

  it('answers for the common values file, and declines the shapes it leaves to the parser', () => {
    const values =
      '# values\nimage:\n  repository: nginx   # upstream\n  tag: "1.21.0"\nresources:\n- a\nservice:\n  port: 80\n';
    expect(agrees(values, segments('image.tag'))).toBe(true);
    expect(agrees(values, segments('service.port'))).toBe(true);
    expect(agrees('a:\n    b:\n        c: 1.20 # x\r\n', segments('a.b.c'))).toBe(true);
    for (const [text, path] of [
      ['image: &i\n  tag: 1\n', 'image.tag'],
      ['base: &b {tag: 1}\nimage:\n  <<: *b\n', 'image.tag'],
      ['image:\n  tag: !!str 1\n', 'image.tag'],
      ['image:\n  tag: |\n    1\n', 'image.tag'],
      ['image:\n  tag: "a\\tb"\n', 'image.tag'],
      ['image:\n  tag: a\n    b\n', 'image.tag'],
      ['image: {tag: 1}\n', 'image.tag'],
      ['"image":\n  tag: 1\n', 'image.tag'],
      ['a: 1\n---\nimage:\n  tag: 1\n', 'image.tag'],
      ['image:\n  tag:\n', 'image.tag'],
      ['image:\n\ttag: 1\n', 'image.tag'],
      ['- image:\n    tag: 1\n', 'image.tag'],
    ] as const) {
      expect(agrees(text, segments(path)), text).toBe(false);
    }
  });

  it('gives the same bytes as the full parse on every helm-value golden case', () => {
    for (const name of goldenCases) {
      const c = loadCase(name);
      if (c.artifact.kind !== 'helm-value' || c.artifact.in || c.artifact.document || c.error) continue;
      const path = segments(c.artifact.key);
      agrees(c.before, path);
      const scan = scanScalar(c.before, path);
      if (!scan) continue;
      // The updater (scan) and an edit made through the parsed document give the same file.
      const doc = parseYamlFile('f.yaml', c.before);
      const node = resolveScalar(doc, path).node;
      expect(isScalar(node)).toBe(true);
      const viaScan = helmValue.write('f.yaml', c.before, c.artifact, c.state, c.bases).content;
      const viaParse = helmValue.write(
        'f.yaml',
        c.before,
        { ...c.artifact, document: {} },
        c.state,
        c.bases,
      ).content;
      expect(viaScan).toBe(viaParse);
    }
  });
});
