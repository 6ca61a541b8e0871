import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hodgesLehmann } from '../../../src/core/canary/hodges-lehmann.ts';
import { mannWhitney } from '../../../src/core/canary/mann-whitney.ts';
import { pnorm, pnormUpper, qnorm } from '../../../src/core/canary/normal.ts';
import { rateRatioTest } from '../../../src/core/canary/rate-ratio.ts';

/**
 * gantry's statistics against R 4.2 (scripts/reference/wilcox.R produced the committed
 * reference.json; R is not needed to run this). Tolerances:
 *   U, p-values, rate-ratio numbers, pnorm/qnorm: 1e-9 relative (R and gantry use different
 *     but exact-to-~1e-14 algorithms);
 *   Hodges-Lehmann estimate: 1e-12 of the data's range (both take the median of the differences);
 *   interval bounds: 1e-9 of the range against R's run on data scaled to a range of ~1e6, and
 *     2e-4 absolute against R's plain run (its uniroot tolerance is 1e-4 absolute).
 */
type Num = number | 'Inf' | '-Inf' | null;
const value = (n: Num): number =>
  n === 'Inf'
    ? Number.POSITIVE_INFINITY
    : n === '-Inf'
      ? Number.NEGATIVE_INFINITY
      : n === null
        ? Number.NaN
        : n;

interface WilcoxSet {
  name: string;
  x: number[];
  y: number[];
  confidence: number;
  w: number;
  p_two_sided: number;
  p_greater: number;
  p_less: number;
  hodges_lehmann: number;
  ci: Num[];
  ci_scaled: Num[];
}
interface RateSet {
  name: string;
  canary: number[];
  baseline: number[];
  ratio: number;
  confidence: number;
  estimate: Num;
  ci: Num[];
  p_two_sided: number;
  p_greater: number;
  p_less: number;
}
const reference = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/canary/reference.json'), 'utf8'),
) as {
  wilcox: WilcoxSet[];
  rate_ratio: RateSet[];
  pnorm: { z: number[]; lower: number[]; upper: number[] };
  qnorm: { p: number[]; q: number[] };
};

function closeRelative(actual: number, expected: number, tolerance: number): boolean {
  if (Object.is(actual, expected) || actual === expected) return true;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return false;
  return Math.abs(actual - expected) <= tolerance * Math.max(Math.abs(expected), 1e-300);
}

function expectRelative(actual: number, expected: number, tolerance: number, what: string): void {
  expect(closeRelative(actual, expected, tolerance), `${what}: ${actual} vs R ${expected}`).toBe(true);
}

describe('statistics match R on committed sample sets', () => {
  it('has at least 20 Mann-Whitney sets and 10 rate-ratio sets', () => {
    expect(reference.wilcox.length).toBeGreaterThanOrEqual(20);
    expect(reference.rate_ratio.length).toBeGreaterThanOrEqual(10);
  });

  it.each(reference.wilcox.map((s) => [s.name, s] as const))(
    'Mann-Whitney + Hodges-Lehmann: %s',
    (_, set) => {
      const { x, y } = set;
      const range = Math.max(...x, ...y) - Math.min(...x, ...y) || 1;
      const two = mannWhitney(x, y, 'two-sided');
      expectRelative(two.u, set.w, 1e-12, 'U');
      expectRelative(two.pValue, set.p_two_sided, 1e-9, 'p two-sided');
      expectRelative(mannWhitney(x, y, 'greater').pValue, set.p_greater, 1e-9, 'p greater');
      expectRelative(mannWhitney(x, y, 'less').pValue, set.p_less, 1e-9, 'p less');
      const shift = hodgesLehmann(x, y, set.confidence);
      expect(Math.abs(shift.estimate - set.hodges_lehmann)).toBeLessThanOrEqual(1e-12 * range);
      const [scaledLow, scaledHigh] = set.ci_scaled.map(value) as [number, number];
      expect(Math.abs(shift.low - scaledLow), `low ${shift.low} vs ${scaledLow}`).toBeLessThanOrEqual(
        1e-9 * range,
      );
      expect(Math.abs(shift.high - scaledHigh), `high ${shift.high} vs ${scaledHigh}`).toBeLessThanOrEqual(
        1e-9 * range,
      );
      const [low, high] = set.ci.map(value) as [number, number];
      expect(Math.abs(shift.low - low)).toBeLessThanOrEqual(2e-4);
      expect(Math.abs(shift.high - high)).toBeLessThanOrEqual(2e-4);
    },
  );

  it.each(reference.rate_ratio.map((s) => [s.name, s] as const))('rate ratio: %s', (_, set) => {
    const input = {
      canary: { events: set.canary[0]!, exposure: set.canary[1]! },
      baseline: { events: set.baseline[0]!, exposure: set.baseline[1]! },
    };
    const two = rateRatioTest(input, 'two-sided', set.confidence, set.ratio);
    const estimate = value(set.estimate);
    if (Number.isNaN(estimate)) expect(two.estimate).toBeNaN();
    else expectRelative(two.estimate, estimate, 1e-9, 'estimate');
    const [low, high] = set.ci.map(value) as [number, number];
    expectRelative(two.low, low, 1e-9, 'low');
    expectRelative(two.high, high, 1e-9, 'high');
    expectRelative(two.pValue, set.p_two_sided, 1e-9, 'p two-sided');
    expectRelative(
      rateRatioTest(input, 'greater', set.confidence, set.ratio).pValue,
      set.p_greater,
      1e-9,
      'p >',
    );
    expectRelative(rateRatioTest(input, 'less', set.confidence, set.ratio).pValue, set.p_less, 1e-9, 'p <');
  });

  it('pnorm and qnorm', () => {
    reference.pnorm.z.forEach((z, i) => {
      expectRelative(pnorm(z), reference.pnorm.lower[i]!, 1e-12, `pnorm(${z})`);
      expectRelative(pnormUpper(z), reference.pnorm.upper[i]!, 1e-12, `pnorm(${z}, upper)`);
    });
    reference.qnorm.p.forEach((p, i) => {
      expectRelative(qnorm(p), reference.qnorm.q[i]!, 1e-12, `qnorm(${p})`);
    });
  });
});
