/**
 * The statistics behind experiment reports: pure functions, no dependencies.
 *
 * - Normal CDF from the complementary error function of Numerical Recipes (`erfcc`, a Chebyshev
 *   fit with fractional error below 1.2e-7 everywhere, so small tail probabilities keep their
 *   precision).
 * - Student's t CDF from the regularized incomplete beta function, I_x(a, b) evaluated by its
 *   continued fraction (modified Lentz) with ln Γ from the Lanczos approximation. It takes any
 *   real df > 0, which Welch's test needs.
 * - Quantiles (for confidence intervals) by bisection on those CDFs: slower than a closed-form
 *   approximation, but exact to the CDF's own precision and one mechanism for both.
 * - Two-sided p-values come straight from the tails (erfc, I_x) rather than as 1 − CDF, which
 *   would round small p-values to zero.
 */

/** A sample described by its size, mean and (n − 1) variance. */
export interface SampleSummary {
  n: number;
  mean: number;
  variance: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface ZTestResult {
  z: number;
  pValue: number;
}

export interface TTestResult {
  t: number;
  df: number;
  pValue: number;
}

/** erfc(x), Numerical Recipes' `erfcc`. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z ≤ z) for a standard normal Z. */
export const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of I_x(a, b), modified Lentz; converges fast for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const EPS = 1e-15;
  // Iterations grow like sqrt(max(a, b)); Welch's df can be in the hundred thousands.
  const MAX_ITERATIONS = 100_000;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), for 0 ≤ x ≤ 1 and a, b > 0. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // Use the fraction where it converges; the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) covers the rest.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom (df may be fractional). */
export function studentTTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = studentTTwoSided(t, df) / 2;
  return t > 0 ? 1 - tail : tail;
}

/** The x where a continuous increasing `cdf` reaches p, by bracketing then bisection. */
function invert(cdf: (x: number) => number, p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  let low = -1;
  let high = 1;
  while (cdf(low) > p) low *= 2;
  while (cdf(high) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * Math.max(1, Math.abs(low)); i++) {
    const mid = (low + high) / 2;
    if (cdf(mid) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** The p-quantile of the standard normal distribution. */
export const normalQuantile = (p: number): number => invert(normalCdf, p);

/** The p-quantile of Student's t with `df` degrees of freedom. */
export const studentTQuantile = (p: number, df: number): number => invert((t) => studentTCdf(t, df), p);

/** Size, mean and sample variance from the sums SQL can aggregate: n, Σx, Σx². */
export function summaryFromMoments(n: number, sum: number, sumOfSquares: number): SampleSummary | null {
  if (n <= 0) return null;
  const mean = sum / n;
  // Σ(x − mean)² = Σx² − n·mean²; clamped because rounding can make it a hair below zero.
  const variance = n > 1 ? Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1)) : 0;
  return { n, mean, variance };
}

/** The t interval for a mean: mean ± t(1 − α/2, n − 1)·s/√n. Null below two observations. */
export function meanConfidenceInterval(sample: SampleSummary, level = 0.95): Interval | null {
  if (sample.n < 2) return null;
  const half = studentTQuantile((1 + level) / 2, sample.n - 1) * Math.sqrt(sample.variance / sample.n);
  return { low: sample.mean - half, high: sample.mean + half };
}

/**
 * Two-sided two-proportion z-test with the pooled standard error: did `x2` successes in `n2`
 * trials come from the same rate as `x1` in `n1`? z > 0 when the second rate is higher. Null when
 * the test is undefined: an empty arm, or no variation at all (0 % or 100 % in both).
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTestResult | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return null;
  const z = (x2 / n2 - x1 / n1) / se;
  return { z, pValue: erfc(Math.abs(z) / Math.SQRT2) };
}

/**
 * Welch's unequal-variance t-test, two-sided, with Welch–Satterthwaite degrees of freedom.
 * t > 0 when `b`'s mean is higher. Null below two observations per sample or without variance.
 */
export function welchTTest(a: SampleSummary, b: SampleSummary): TTestResult | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const t = (b.mean - a.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { t, df, pValue: studentTTwoSided(t, df) };
}
