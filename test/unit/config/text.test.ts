import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeConfigBytes, firstInvalidUtf8 } from '../../../src/core/config/decode.ts';
import { dependencyOrder, findCycle } from '../../../src/core/graph.ts';
import { closest, editDistance } from '../../../src/core/text/did-you-mean.ts';

describe('did you mean', () => {
  it('measures typos, including swapped letters', () => {
    expect(editDistance('enviroments', 'environments')).toBe(1);
    expect(editDistance('dpeendsOn', 'dependsOn')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only candidates within reach', () => {
    expect(closest('stagin', ['dev', 'staging', 'prod'])).toBe('staging');
    expect(closest('xyz', ['dev', 'staging', 'prod'])).toBeUndefined();
    // A word that is the first part of exactly one name: `kind: helm` means helm-value.
    expect(closest('helm', ['kustomize-image', 'helm-value', 'image-ref', 'file'])).toBe('helm-value');
    expect(closest('eu', ['staging-eu', 'prod-eu'])).toBeUndefined();
    expect(closest('prod', ['prod-eu', 'prod-us'])).toBeUndefined();
    expect(closest('st', ['staging'])).toBeUndefined();
  });
});

describe('UTF-8 validation', () => {
  it('accepts every well-formed string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        (s) => firstInvalidUtf8(new TextEncoder().encode(s)) === -1,
      ),
    );
  });

  it.each([
    [[0x61, 0xff], 1],
    [[0xc0, 0xaf], 0], // overlong "/"
    [[0xed, 0xa0, 0x80], 0], // UTF-16 surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
    [[0x61, 0x62, 0xe2, 0x82], 2], // truncated at the end
  ])('finds the first bad byte of %j at %i', (bytes, offset) => {
    expect(firstInvalidUtf8(new Uint8Array(bytes))).toBe(offset);
  });

  it('reports the line and column of the bad byte', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a: 1\nbé: '), 0xff]);
    const decoded = decodeConfigBytes('x.yml', bytes);
    expect(decoded).toMatchObject({ ok: false, issue: { line: 2, column: 5 } });
  });
});

describe('dependency graphs', () => {
  it('orders dependencies first and keeps input order otherwise', () => {
    const deps: Record<string, string[]> = { web: ['api'], api: ['db'], db: [], docs: [] };
    expect(dependencyOrder(['web', 'docs', 'api', 'db'], (n) => deps[n]!)).toEqual([
      'db',
      'api',
      'web',
      'docs',
    ]);
  });

  it('finds a cycle and names it', () => {
    const deps: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'] };
    expect(findCycle(['a', 'b', 'c'], (n) => deps[n]!)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(['a', 'b'], () => [])).toBeUndefined();
  });
});
