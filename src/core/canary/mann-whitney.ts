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
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm };
}

/** Σ(t³ − t) over the groups of equal values within one sample. */
export function tieTerm(values: readonly number[]): number {
  return midRanks(values).tieTerm;
}
