import { binomialLower, binomialUpper, lnBinomialPmf, qbeta } from './beta.ts';
import type { Alternative } from './mann-whitney.ts';

export interface RateRatioInput {
  /** Bad events (the ratio's numerator) and exposure (its denominator) of each side. */
  canary: { events: number; exposure: number };
  baseline: { events: number; exposure: number };
}

export interface RateRatioResult {
  /** (canary events / canary exposure) / (baseline events / baseline exposure); NaN for 0/0. */
  estimate: number;
  /** Two-sided exact (Clopper-Pearson) interval for the rate ratio; high may be +∞. */
  low: number;
  high: number;
  pValue: number;
}

/**
 * Exact conditional test for the ratio of two Poisson rates, for ratio metrics such as
 * errors / requests: the numbers R prints for
 * `poisson.test(c(eᶜ, eᵇ), c(nᶜ, nᵇ), r = ratio, alternative = …, conf.level = confidence)`.
 *
 * Why this and not Mann-Whitney on per-step ratios: at low traffic each step's ratio is a
 * handful of events over a handful of requests (often 0/3 or 1/2), so per-step values are
 * mostly ties and noise. Summing the counts over the window and testing the totals uses all
 * the information: given K = eᶜ + eᵇ events in total, the canary's share is
 *   eᶜ ~ Binomial(K, π),  π = R·nᶜ / (R·nᶜ + nᵇ),  R = canary rate / baseline rate,
 * whatever the baseline rate is. So
 *   p (greater)   = P(X ≥ eᶜ) under π₀ = ratio·nᶜ/(ratio·nᶜ + nᵇ),
 *   p (less)      = P(X ≤ eᶜ),
 *   p (two-sided) = Σ of P(X = i) over every i no more likely than eᶜ (R's binom.test rule,
 *                   with its relative slack of 1e-7),
 * and the Clopper-Pearson interval for π, [qbeta(α/2; eᶜ, K − eᶜ + 1), qbeta(1 − α/2; eᶜ + 1,
 * K − eᶜ)], maps to the rate ratio by R = π/(1 − π) · nᵇ/nᶜ. Counts are rounded to integers
 * (Prometheus' increase() extrapolates to fractions). The model is Poisson; for binomial
 * counts with a large ratio (e.g. 50 % errors) it is conservative: the interval is wider.
 */
export function rateRatioTest(
  input: RateRatioInput,
  alternative: Alternative,
  confidence: number,
  ratio = 1,
): RateRatioResult {
  const ec = Math.round(input.canary.events);
  const eb = Math.round(input.baseline.events);
  const nc = input.canary.exposure;
  const nb = input.baseline.exposure;
  if (!(nc > 0 && nb > 0)) throw new RangeError('rateRatioTest needs positive exposure on both sides');
  const total = ec + eb;
  const estimate = ec / nc / (eb / nb);
  const pi0 = (ratio * nc) / (ratio * nc + nb);
  const pValue =
    alternative === 'greater'
      ? binomialUpper(ec, total, pi0)
      : alternative === 'less'
        ? binomialLower(ec, total, pi0)
        : binomialTwoSided(ec, total, pi0);
  const alpha = 1 - confidence;
  const piLow = ec === 0 ? 0 : qbeta(alpha / 2, ec, total - ec + 1);
  const piHigh = ec === total ? 1 : qbeta(1 - alpha / 2, ec + 1, total - ec);
  const toRatio = (pi: number) => (pi >= 1 ? Number.POSITIVE_INFINITY : (pi / (1 - pi)) * (nb / nc));
  return { estimate, low: toRatio(piLow), high: toRatio(piHigh), pValue };
}

/** R's binom.test two-sided p-value: every outcome at most (1 + 1e-7)× as likely as k. */
function binomialTwoSided(k: number, n: number, pi: number): number {
  if (n === 0) return 1;
  const lnD = lnBinomialPmf(k, n, pi) + Math.log1p(1e-7);
  const mean = n * pi;
  if (k === mean) return 1;
  const unlikely = (i: number) => lnBinomialPmf(i, n, pi) <= lnD;
  if (k < mean) {
    // On [ceil(mean), n] the pmf falls, so the outcomes no more likely than k form a suffix.
    const from = firstTrue(Math.ceil(mean), n, unlikely);
    const tail = from > n ? 0 : binomialUpper(from, n, pi);
    return Math.min(1, binomialLower(k, n, pi) + tail);
  }
  // On [0, floor(mean)] the pmf rises, so they form a prefix [0, to].
  const to = firstTrue(0, Math.floor(mean), (i) => !unlikely(i)) - 1;
  const head = to < 0 ? 0 : binomialLower(to, n, pi);
  return Math.min(1, head + binomialUpper(k, n, pi));
}

/** The smallest i in [from, to] with test(i), for a test that is false then true; to + 1 if never. */
function firstTrue(from: number, to: number, test: (i: number) => boolean): number {
  let lo = from - 1;
  let hi = to + 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (test(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
