/**
 * The beta and binomial distributions for the exact rate-ratio test (see rate-ratio.ts).
 *
 * lnGamma: Stirling's series with five correction terms for x ≥ 15 (truncation error
 * < 3e-16), shifted up from smaller x with ln Γ(x) = ln Γ(x + k) − ln(x(x+1)···(x+k−1)).
 * ibeta(x; a, b) = I_x(a, b), the regularized incomplete beta function, by its continued
 * fraction (modified Lentz), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) on the side
 * where the fraction converges fast (x > (a+1)/(a+b+2)).
 * qbeta(p; a, b) inverts it by Newton steps on a bracket that bisection keeps valid.
 * Binomial tails follow from P(X ≥ k) = I_π(k, n − k + 1) for X ~ Bin(n, π).
 */

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let product = 1;
  let z = x;
  while (z < 15) {
    product *= z;
    z += 1;
  }
  return (z - 0.5) * Math.log(z) - z + HALF_LN_2PI + stirlingCorrection(z) - Math.log(product);
}

/** δ(z) = ln Γ(z) − ((z − ½) ln z − z + ½ ln 2π), for z ≥ 15. */
function stirlingCorrection(z: number): number {
  const z2 = z * z;
  return (
    1 / (12 * z) -
    1 / (360 * z * z2) +
    1 / (1260 * z * z2 ** 2) -
    1 / (1680 * z * z2 ** 3) +
    1 / (1188 * z * z2 ** 4)
  );
}

/**
 * ln B(a, b). With a large argument, ln Γ(b) − ln Γ(a + b) would cancel catastrophically, so
 * the Stirling forms are subtracted analytically first (the same route as R's lbeta):
 * with p = min, q = max and δ as above,
 *   p ≥ 15:  −½ ln q + ½ ln 2π + δ(p) + δ(q) − δ(p+q) + (p − ½) ln(p/(p+q)) + q·ln(1 − p/(p+q));
 *   q ≥ 15:  ln Γ(p) + δ(q) − δ(p+q) + p − p ln(p+q) + (q − ½)·ln(1 − p/(p+q)).
 */
export function lnBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const share = p / (p + q);
  if (p >= 15) {
    const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return -0.5 * Math.log(q) + HALF_LN_2PI + corr + (p - 0.5) * Math.log(share) + q * Math.log1p(-share);
  }
  if (q >= 15) {
    const corr = stirlingCorrection(q) - stirlingCorrection(p + q);
    return lnGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-share);
  }
  return lnGamma(p) + lnGamma(q) - lnGamma(p + q);
}

/** I_x(a, b) for a, b > 0. */
export function ibeta(x: number, a: number, b: number): number {
  return ibetaTails(x, a, b).lower;
}

/**
 * Both tails, I_x(a, b) and 1 − I_x(a, b), each computed without subtracting from 1 where it
 * is the small one, so that tiny p-values keep their relative precision.
 */
export function ibetaTails(x: number, a: number, b: number): { lower: number; upper: number } {
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x >= 1) return { lower: 1, upper: 0 };
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (front * betaFraction(x, a, b)) / a;
    return { lower, upper: 1 - lower };
  }
  const upper = (front * betaFraction(1 - x, b, a)) / b;
  return { lower: 1 - upper, upper };
}

/** The continued fraction of I_x(a, b) (without its prefactor), by modified Lentz. */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
  let h = d;
  for (let m = 1; m < 1_000_000; m++) {
    const m2 = 2 * m;
    // Even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m)).
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    h *= d * c;
    // Odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** The x in [0, 1] with I_x(a, b) = p. */
export function qbeta(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lnB = lnBeta(a, b);
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  for (let i = 0; i < 400; i++) {
    const f = ibeta(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
    let next = x - f / density;
    // Newton can overshoot where the density is steep; fall back to bisection in the bracket
    // (geometric near 0 so that tiny quantiles converge in relative terms).
    if (!(next > lo && next < hi)) next = lo === 0 ? hi / 16 : (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * x || hi - lo <= 1e-300) return next;
    x = next;
  }
  return x;
}

/** P(X ≥ k) for X ~ Binomial(n, π). */
export function binomialUpper(k: number, n: number, pi: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return ibeta(pi, k, n - k + 1);
}

/** P(X ≤ k) for X ~ Binomial(n, π). */
export function binomialLower(k: number, n: number, pi: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return ibetaTails(pi, k + 1, n - k).upper;
}

/** ln P(X = k) for X ~ Binomial(n, π). */
export function lnBinomialPmf(k: number, n: number, pi: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  if (pi === 0) return k === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (pi === 1) return k === n ? 0 : Number.NEGATIVE_INFINITY;
  // C(n, k) = 1 / ((n + 1) · B(k + 1, n − k + 1)).
  return -Math.log(n + 1) - lnBeta(k + 1, n - k + 1) + k * Math.log(pi) + (n - k) * Math.log1p(-pi);
}
