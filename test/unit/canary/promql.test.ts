import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMatchers,
  promqlSyntaxError,
  queryTemplateProblems,
  resolveQuery,
  uniformRangeSeconds,
} from '../../../src/core/canary/promql.ts';
import { ValidationError } from '../../../src/core/errors.ts';

const canary = { app: 'web', track: 'canary' };

describe('query templating', () => {
  it('puts the matchers where SELECTOR stands, in every selector that has it', () => {
    expect(resolveQuery('rate(x{code="500",SELECTOR}[1m])', canary)).toBe(
      'rate(x{code="500",app="web",track="canary"}[1m])',
    );
    expect(resolveQuery('sum(x{SELECTOR}) / sum(y{SELECTOR})', { track: 'stable' })).toBe(
      'sum(x{track="stable"}) / sum(y{track="stable"})',
    );
    expect(resolveQuery('{SELECTOR}', canary)).toBe('{app="web",track="canary"}');
  });

  it('leaves SELECTOR in strings and comments alone', () => {
    expect(resolveQuery('x{SELECTOR, note="SELECTOR"} # SELECTOR', { a: 'b' })).toBe(
      'x{a="b", note="SELECTOR"} # SELECTOR',
    );
  });

  it('escapes label values so that they cannot change the query', () => {
    const hostile = 'x"} or vector(1) # \\ \n';
    const query = resolveQuery('sum(x{SELECTOR})', { app: hostile });
    expect(query).toBe('sum(x{app="x\\"} or vector(1) # \\\\ \\n"})');
    expect(promqlSyntaxError(query)).toBeUndefined();
  });

  it('keeps any label value inside its string literal (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const query = resolveQuery('sum(x{SELECTOR})', { app: value });
        expect(promqlSyntaxError(query)).toBeUndefined();
        // The value decodes back from the literal: nothing leaked out of it.
        const literal = query.slice('sum(x{app='.length, -2);
        expect(JSON.parse(literal)).toBe(value);
      }),
    );
  });

  it('refuses a value that is not valid Unicode and a label name that is not one', () => {
    expect(() => resolveQuery('x{SELECTOR}', { app: '\uD800' })).toThrow(ValidationError);
    expect(() => formatMatchers({ 'a-b': 'x' })).toThrow(/not a label name/);
  });

  it('explains a misplaced or missing placeholder', () => {
    expect(queryTemplateProblems('x{a="SELECTOR"}')[0]).toMatch(
      /must stand alone inside a selector's braces/,
    );
    expect(queryTemplateProblems('SELECTOR')[0]).toMatch(/must stand alone/);
    expect(queryTemplateProblems('x{a=SELECTOR}')[0]).toMatch(/must stand alone/);
    expect(queryTemplateProblems('sum(x)')[0]).toMatch(/^query must contain SELECTOR/);
  });

  it('rejects invalid PromQL with the column in the template', () => {
    expect(queryTemplateProblems('sum(x{SELECTOR}))')).toEqual([
      'invalid PromQL at column 17: unexpected ")" after "sum(x{ab="xyz"})"',
    ]);
    expect(queryTemplateProblems('sum(rate(x{SELECTOR}[1m])')[0]).toMatch(/ends too early/);
    expect(() => resolveQuery('x{SELECTOR} +', canary)).toThrow(/invalid PromQL: the query ends too early/);
    expect(
      queryTemplateProblems('histogram_quantile(0.99, sum by (le) (rate(h_bucket{SELECTOR}[1m])))'),
    ).toEqual([]);
  });

  it('finds the range of range selectors when there is one', () => {
    expect(uniformRangeSeconds('sum(increase(x{a="b"}[1m]))')).toBe(60);
    expect(uniformRangeSeconds('sum(increase(x[90s])) / sum(increase(y[1m30s]))')).toBe(90);
    expect(uniformRangeSeconds('sum(increase(x[1m])) / sum(increase(y[5m]))')).toBeUndefined();
    expect(uniformRangeSeconds('sum(x)')).toBeUndefined();
  });
});
