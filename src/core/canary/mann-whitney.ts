import { pnorm, pnormUpper } from './normal.ts';

/** Which change the test looks for: canary above baseline, below it, or either. */
export type Alternative = 'greater' | 'less' | 'two-sided';

export interface MannWhitneyResult {
  /** U of the canary (R's W): #{xᵢ > yⱼ} + ½·#{xᵢ = yⱼ}. */
  u: number;
  /** The standardised statistic after tie and continuity corrections (0 when σ = 0). */
  z: number;
  pValue: number;
  /** Standard deviation of U under H0, with the tie correction. */
  sigma: number;
}

/**
 * Mann-Whitney U test of canary samples x against baseline samples y, normal approximation
 * with tie and continuity corrections — the numbers R prints for
 * `wilcox.test(x, y, exact = FALSE, correct = TRUE)`:
 *
 *   ranks  r = mid-ranks of x ∪ y (tied values share the mean of their ranks)
 *   U      = Σ r(xᵢ) − m(m+1)/2,          m = |x|, n = |y|, N = m + n
 *   μ      = mn/2
 *   σ²     = mn/12 · ((N + 1) − Σₜ(t³ − t) / (N(N − 1))),  t = size of each group of ties
 *   z      = (U − μ − c)/σ,  c = ½·sign(U − μ) two-sided, +½ greater, −½ less
 *   p      = 2·min(Φ(z), 1 − Φ(z)) two-sided, 1 − Φ(z) greater, Φ(z) less.
 *
 * When every value is tied (σ = 0) there is no evidence of a difference: z = 0, p = 1 (R
 * answers NaN there).
 */
export function mannWhitney(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative,
): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('mannWhitney needs samples on both sides');
  const { ranks, tieTerm } = midRanks([...x, ...y]);
  let rankSum = 0;
  for (let i = 0; i < m; i++) rankSum += ranks[i]!;
  const u = rankSum - (m * (m + 1)) / 2;
  const sigma = tieCorrectedSigma(m, n, tieTerm);
  if (sigma === 0) return { u, z: 0, pValue: 1, sigma };
  const centred = u - (m * n) / 2;
  const correction =
    alternative === 'two-sided' ? 0.5 * Math.sign(centred) : alternative === 'greater' ? 0.5 : -0.5;
  const z = (centred - correction) / sigma;
  const pValue =
    alternative === 'greater'
      ? pnormUpper(z)
      : alternative === 'less'
        ? pnorm(z)
        : Math.min(1, 2 * Math.min(pnorm(z), pnormUpper(z)));
  return { u, z, pValue, sigma };
}

/** σ of U with the tie correction; `tieTerm` is Σₜ(t³ − t) over groups of ties. */
export function tieCorrectedSigma(m: number, n: number, tieTerm: number): number {
  const total = m + n;
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  return variance > 0 ? Math.sqrt(variance) : 0;
}

/** Mid-ranks (1-based) of `values` in their original order, and Σ(t³ − t) over tie groups. */
export function midRanks(values: readonly number[]): { ranks: Float64Array; tieTerm: number } {
  // A typed-array sort (numeric, no comparator calls), then each value's group by binary search.
  const sorted = Float64Array.from(values).sort();
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    // Ranks first + 1 … last share their mean.
    const first = bound(sorted, values[i]!, false);
    const last = bound(sorted, values[i]!, true);
    ranks[i] = (first + 1 + last) / 2;
  }
  return { ranks, tieTerm: tieTermOfSorted(sorted) };
}

/** Index of the first element ≥ value, or (`after`) > value. */
function bound(sorted: Float64Array, value: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value || (after && sorted[mid] === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function tieTermOfSorted(sorted: Float64Array): number {
  let term = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    const t = end - start;
    term += t * t * t - t;
    start = end;
  }
  return term;
}

/** Σ(t³ − t) over the groups of equal values within one sample. */
export function tieTerm(values: readonly number[]): number {
  return tieTermOfSorted(Float64Array.from(values).sort());
}
