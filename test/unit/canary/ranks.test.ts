import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kthDifference } from '../../../src/core/canary/hodges-lehmann.ts';
import { midRanks } from '../../../src/core/canary/mann-whitney.ts';

/** Values with plenty of ties, wide magnitudes and signs. */
const values = fc.array(
  fc.oneof(
    fc.integer({ min: -5, max: 5 }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0.1, 0.2, 0.30000000000000004, 1e-300, -1e300, 1e300),
  ),
  { minLength: 1, maxLength: 60 },
);

describe('selection and ranks against brute force', () => {
  it('kthDifference is the k-th of all sorted pairwise differences, for every k', () => {
    fc.assert(
      fc.property(values, values, (x, y) => {
        const xs = Float64Array.from(x).sort();
        const ys = Float64Array.from(y).sort();
        const all = Float64Array.from(x.flatMap((a) => y.map((b) => a - b))).sort();
        for (let k = 1; k <= all.length; k++) expect(kthDifference(xs, ys, k)).toBe(all[k - 1]);
      }),
      { numRuns: 200 },
    );
  });

  it('kthDifference resolves heavy ties without listing them', () => {
    const xs = new Float64Array(3000).fill(1);
    const ys = new Float64Array(3000).fill(0.25);
    expect(kthDifference(xs, ys, 4_500_000)).toBe(0.75);
  });

  it('midRanks gives tied values the mean of their ranks, and Σ(t³ − t) of the groups', () => {
    fc.assert(
      fc.property(values, (v) => {
        const { ranks, tieTerm } = midRanks(v);
        v.forEach((value, i) => {
          const less = v.filter((w) => w < value).length;
          const equal = v.filter((w) => w === value).length;
          expect(ranks[i]).toBe(less + (equal + 1) / 2);
        });
        const groups = new Map<number, number>();
        for (const w of v) groups.set(w, (groups.get(w) ?? 0) + 1);
        expect(tieTerm).toBe([...groups.values()].reduce((s, t) => s + t ** 3 - t, 0));
      }),
    );
  });
});
