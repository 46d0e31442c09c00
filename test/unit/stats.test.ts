import { describe, expect, it } from "vitest";
import {
  logGamma,
  meanConfidenceInterval,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
  summaryFromMoments,
  twoProportionZTest,
  welchTTest,
  type SampleSummary,
} from "../../local/domain/stats.js";

/** Relative closeness, for values spanning many orders of magnitude. */
const expectRelative = (actual: number, expected: number, tolerance: number) => expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(tolerance);

const summary = (xs: number[]): SampleSummary => {
  const sum = xs.reduce((a, b) => a + b, 0);
  return summaryFromMoments(xs.length, sum, xs.reduce((a, b) => a + b * b, 0))!;
};

// Wikipedia, "Welch's t-test", worked examples (the published t, ν and p are rounded; the
// digits here were checked with SciPy 1.17: stats.ttest_ind(A2, A1, equal_var=False)).
const A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
const A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
const A3 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
const A4 = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];

describe("normal distribution", () => {
  it("matches the standard normal table", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 7);
    expect(normalCdf(3)).toBeCloseTo(0.9986501, 7);
  });

  it("keeps its relative precision far in the tail (Φ(−5) = 2.8665e−7)", () => {
    expectRelative(normalCdf(-5), 2.866515718791939e-7, 1e-6);
  });

  it("inverts the CDF: the 97.5th percentile is 1.959964", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
  });
});

describe("Student's t distribution (incomplete beta)", () => {
  it("computes ln Γ and the regularized incomplete beta function exactly where closed forms exist", () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 10);
    // I_0.3(2, 3) = Σ_{j=2..4} C(4, j) 0.3^j 0.7^(4−j) = 0.3483
    expect(regularizedIncompleteBeta(0.3, 2, 3)).toBeCloseTo(0.3483, 12);
  });

  it("equals the closed forms for 1 and 2 degrees of freedom", () => {
    // df = 1 is the Cauchy distribution: 1/2 + atan(t)/π.
    for (const t of [-3, -0.5, 1, 4]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
    // df = 2: 1/2 + t / (2·sqrt(2 + t²)).
    for (const t of [-2, 0.3, 1.5, 10]) expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
  });

  it("reproduces the t table's two-sided 5% critical values", () => {
    const table: Array<[number, number]> = [
      [1, 12.706],
      [5, 2.571],
      [10, 2.228],
      [30, 2.042],
      [100, 1.984],
    ];
    for (const [df, critical] of table) {
      expect(studentTQuantile(0.975, df), `df ${df}`).toBeCloseTo(critical, 3);
      expect(studentTTwoSided(critical, df), `df ${df}`).toBeCloseTo(0.05, 3);
    }
  });

  it("takes fractional degrees of freedom, as Welch's test needs", () => {
    // SciPy: stats.t.cdf(2.5, 7.3)
    expect(studentTCdf(2.5, 7.3)).toBeCloseTo(0.9801748826672, 10);
  });

  it("approaches the normal distribution for large df, without losing the tail", () => {
    expect(studentTTwoSided(3, 200_000)).toBeCloseTo(2 * normalCdf(-3), 5);
    expect(studentTCdf(2, 10)).toBeCloseTo(0.963306, 6);
  });
});

describe("two-proportion z-test", () => {
  it("reproduces OpenIntro's mammogram study: 500/44 425 vs 505/44 405 deaths, z ≈ −0.17, p ≈ 0.87", () => {
    // OpenIntro Statistics, 4th ed., §6.2.3 (pooled proportion). SciPy: z = −0.16580, p = 0.86832.
    const result = twoProportionZTest(505, 44_405, 500, 44_425)!;
    expect(result.z).toBeCloseTo(-0.1658, 4);
    expect(result.pValue).toBeCloseTo(0.8683, 4);
  });

  it("finds 30 % vs 10 % of 200 requests each significant (z = 5.00, p = 5.7e−7)", () => {
    // pooled p = 0.2, SE = sqrt(0.2·0.8·(2/200)) = 0.04, z = 0.2 / 0.04 = 5.
    const result = twoProportionZTest(20, 200, 60, 200)!;
    expect(result.z).toBeCloseTo(5, 12);
    expectRelative(result.pValue, 5.733031437583878e-7, 1e-6);
  });

  it("gives p = 1 for identical rates, and no test for an empty arm or no variation", () => {
    expect(twoProportionZTest(20, 100, 20, 100)!.pValue).toBeCloseTo(1, 7);
    expect(twoProportionZTest(0, 0, 5, 10)).toBeNull();
    expect(twoProportionZTest(0, 50, 0, 50)).toBeNull();
    expect(twoProportionZTest(50, 50, 50, 50)).toBeNull();
  });
});

describe("Welch's t-test", () => {
  it("reproduces Wikipedia's first example: t = 2.46, ν = 25.0, p = 0.021", () => {
    const result = welchTTest(summary(A1), summary(A2))!;
    expect(result.t).toBeCloseTo(2.455356398286006, 10);
    expect(result.df).toBeCloseTo(24.988529290231416, 8);
    expect(result.pValue).toBeCloseTo(0.021378001462866992, 10);
  });

  it("reproduces Wikipedia's second example, unequal sizes and variances: t = 1.57, ν = 9.9, p = 0.149", () => {
    const result = welchTTest(summary(A3), summary(A4))!;
    expect(result.t).toBeCloseTo(1.5654335235985037, 10);
    expect(result.df).toBeCloseTo(9.904741248650831, 8);
    expect(result.pValue).toBeCloseTo(0.14884169660532817, 10);
  });

  it("is antisymmetric in its arguments", () => {
    const ab = welchTTest(summary(A1), summary(A2))!;
    const ba = welchTTest(summary(A2), summary(A1))!;
    expect(ba.t).toBeCloseTo(-ab.t, 12);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 12);
  });

  it("declines below two observations per sample or without any variance", () => {
    expect(welchTTest(summary([3]), summary([4, 5]))).toBeNull();
    expect(welchTTest(summary([4, 4, 4]), summary([4, 4]))).toBeNull();
  });
});

describe("summaries and confidence intervals", () => {
  it("recovers mean and sample variance from n, Σx and Σx²", () => {
    const s = summary(A1);
    expect(s.n).toBe(15);
    expect(s.mean).toBeCloseTo(20.82, 10);
    expect(s.variance).toBeCloseTo(7.867428571428571, 10);
    expect(summaryFromMoments(0, 0, 0)).toBeNull();
    expect(summaryFromMoments(1, 4, 16)).toEqual({ n: 1, mean: 4, variance: 0 });
  });

  it("gives the t interval of a mean (SciPy: stats.t.interval(0.95, 14, 20.82, sem) = 19.2667 … 22.3733)", () => {
    const ci = meanConfidenceInterval(summary(A1))!;
    expect(ci.low).toBeCloseTo(19.26670165245124, 9);
    expect(ci.high).toBeCloseTo(22.373298347548754, 9);
    // mean ± 2.228·s/√11 for the table's df = 10
    const eleven = summary([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const half = 2.228138851986 * Math.sqrt(11 / 11);
    expect(meanConfidenceInterval(eleven)!.low).toBeCloseTo(6 - half, 8);
    expect(meanConfidenceInterval(summary([5]))).toBeNull();
  });
});
