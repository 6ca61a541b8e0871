import { tieCorrectedSigma, tieTerm } from './mann-whitney.ts';
import { qnorm } from './normal.ts';

export interface ShiftEstimate {
  /** Hodges-Lehmann estimate of canary − baseline: the median of all m·n differences xᵢ − yⱼ. */
  estimate: number;
  /** Two-sided confidence interval for the shift. */
  low: number;
  high: number;
}

/**
 * Hodges-Lehmann location shift with the asymptotic confidence interval of R's
 * `wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE)`.
 *
 * R finds each bound as the root of d ↦ (U(d) − mn/2 − c)/σ(d) − z, where U(d) is the U
 * statistic of x − d against y, with `uniroot` (tolerance 1e-4). That function is a step
 * function of d that only jumps at the pairwise differences D = xᵢ − yⱼ, and between two jumps
 * σ(d) only sees ties within x and within y, so σ is a constant σ₀ there. Its root is therefore
 * the exact jump point, which this computes directly: with D₍₁₎ ≤ … ≤ D₍mn₎ and
 * g(k) = (k − mn/2 − ½·sign(k − mn/2))/σ₀,
 *   low  = D₍r₎ for the smallest r with g(mn − r) ≤ z₁₋α/₂,
 *   high = D₍r₎ for the smallest r with g(mn − r) ≤ −z₁₋α/₂,
 * clamped to [D₍₁₎, D₍mn₎] as R does. The estimate is the median of the D (R's exact branch;
 * its approximate branch returns any point of the flat median step instead).
 *
 * The D are never all materialised: the k-th smallest is found by bisection on the value, each
 * step counting #{D ≤ v} with one merge-like pass over sorted x and y, until few enough
 * candidates remain to list and sort — O((m + n)·log) time, so 10,000 points per side cost
 * milliseconds.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence: number): ShiftEstimate {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('hodgesLehmann needs samples on both sides');
  const xs = Float64Array.from(x).sort();
  const ys = Float64Array.from(y).sort();
  const total = m * n;
  const kth = (k: number) => kthDifference(xs, ys, k);
  const estimate = total % 2 === 1 ? kth((total + 1) / 2) : (kth(total / 2) + kth(total / 2 + 1)) / 2;
  const sigma = tieCorrectedSigma(m, n, tieTerm(x) + tieTerm(y));
  if (sigma === 0) {
    // Each sample is constant: every difference is the same number.
    return { estimate, low: estimate, high: estimate };
  }
  const z = qnorm(1 - (1 - confidence) / 2);
  const g = (k: number) => {
    const centred = k - total / 2;
    return (centred - 0.5 * Math.sign(centred)) / sigma;
  };
  const boundRank = (q: number): number => {
    // Smallest r in [0, mn] with g(mn − r) ≤ q (g(mn − r) falls as r grows), clamped to [1, mn].
    if (g(0) > q) return total;
    let lo = -1;
    let hi = total;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (g(total - mid) <= q) hi = mid;
      else lo = mid;
    }
    return Math.max(1, hi);
  };
  return { estimate, low: kth(boundRank(z)), high: kth(boundRank(-z)) };
}

/** #{(i, j): xs[i] − ys[j] ≤ v} for ascending xs and ys. */
function countAtMost(xs: Float64Array, ys: Float64Array, v: number): number {
  let count = 0;
  let j = 0;
  for (let i = 0; i < xs.length; i++) {
    // xs[i] − ys[j] falls as j grows; the first j where it is ≤ v only moves right as i grows.
    while (j < ys.length && xs[i]! - ys[j]! > v) j++;
    count += ys.length - j;
  }
  return count;
}

/** Few enough candidates left to list them and sort. */
const ENUMERATE_BELOW = 64;

/**
 * The k-th smallest (1-based) of the differences xs[i] − ys[j]: bisection on the value keeps
 * count(≤ lo) < k ≤ count(≤ hi) until at most ENUMERATE_BELOW differences lie in (lo, hi],
 * which are then listed (a merge-like pass) and sorted. When (lo, hi] holds no double but hi,
 * hi is the answer whatever its multiplicity.
 */
export function kthDifference(xs: Float64Array, ys: Float64Array, k: number): number {
  const smallest = xs[0]! - ys[ys.length - 1]!;
  let below = countAtMost(xs, ys, smallest);
  if (below >= k) return smallest;
  let lo = smallest; // count(lo) < k
  let hi = xs[xs.length - 1]! - ys[0]!; // count(hi) = mn ≥ k
  let upTo = xs.length * ys.length;
  while (upTo - below > ENUMERATE_BELOW) {
    const mid = lo / 2 + hi / 2; // no overflow, whatever the magnitudes
    if (mid <= lo || mid >= hi) return hi;
    const count = countAtMost(xs, ys, mid);
    if (count >= k) {
      hi = mid;
      upTo = count;
    } else {
      lo = mid;
      below = count;
    }
  }
  const candidates = new Float64Array(upTo - below);
  let n = 0;
  let jHigh = 0;
  let jLow = 0;
  for (let i = 0; i < xs.length; i++) {
    // j in [jHigh, jLow): lo < xs[i] − ys[j] ≤ hi.
    while (jHigh < ys.length && xs[i]! - ys[jHigh]! > hi) jHigh++;
    while (jLow < ys.length && xs[i]! - ys[jLow]! > lo) jLow++;
    for (let j = jHigh; j < jLow; j++) candidates[n++] = xs[i]! - ys[j]!;
  }
  return candidates.subarray(0, n).sort()[k - below - 1]!;
}
