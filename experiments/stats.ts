// The statistics of the A/B report, pure and dependency-free so they can be checked against textbook values
// (stats.test.ts). Rates (CTR, conversion) use the two-proportion z-test; revenue per unit uses Welch's t-test,
// which does not assume equal variances (revenue is skewed and the arms differ in size).

/** erfc by the Chebyshev fit of Numerical Recipes (erfcc): relative error below 1.2e-7 everywhere. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), but got: ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** ln Γ(x), Lanczos (g = 7, n = 9). */
function lnGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** The continued fraction of the incomplete beta function (Numerical Recipes betacf, modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast only below the mean; use the symmetry above it.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom (df may be fractional, as Welch's is). */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(df) || df <= 0) return Number.NaN;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The t quantile for a two-sided level: t such that P(|T| > t) = alpha (bisection on the p-value). */
export function studentQuantileTwoSided(alpha: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedP(hi, df) > alpha) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Interval {
  low: number;
  high: number;
}

export interface Comparison {
  /** Treatment minus control, in the metric's unit. */
  difference: number;
  differenceCi: Interval;
  /** Relative lift (treatment / control - 1), null when the control is 0. */
  lift: number | null;
  /** The difference interval divided by the control value (the control treated as known). */
  liftCi: Interval | null;
  /** The test statistic: z for rates, t for means. */
  statistic: number;
  pValue: number;
  significant: boolean;
}

const relative = (difference: number, ci: Interval, control: number) =>
  control === 0
    ? { lift: null, liftCi: null }
    : { lift: difference / control, liftCi: { low: ci.low / control, high: ci.high / control } };

/**
 * Two-proportion z-test of x2/n2 (treatment) against x1/n1 (control). The test uses the pooled proportion
 * (the null says both are equal); the interval uses the unpooled standard error (Wald).
 */
export function twoProportionTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  alpha = 0.05,
): Comparison | null {
  if (n1 === 0 || n2 === 0) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const difference = p2 - p1;
  const pooled = (x1 + x2) / (n1 + n2);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const z = sePooled > 0 ? difference / sePooled : 0;
  const pValue = sePooled > 0 ? 2 * (1 - normalCdf(Math.abs(z))) : 1;
  const q = normalQuantile(1 - alpha / 2);
  const differenceCi = { low: difference - q * se, high: difference + q * se };
  return {
    difference,
    differenceCi,
    ...relative(difference, differenceCi, p1),
    statistic: z,
    pValue,
    significant: pValue < alpha,
  };
}

export interface Moments {
  n: number;
  mean: number;
  /** The sample variance (n - 1 in the denominator). */
  variance: number;
}

/** Mean and sample variance of values, with `zeros` more zero values that are not listed (units without revenue). */
export function momentsOf(values: number[], zeros = 0): Moments {
  const n = values.length + zeros;
  if (n === 0) return { n: 0, mean: 0, variance: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let ss = zeros * mean * mean;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { n, mean, variance: n > 1 ? ss / (n - 1) : 0 };
}

/** Welch's t-test of the treatment mean against the control mean, with the Welch–Satterthwaite df. */
export function welchTest(
  control: Moments,
  treatment: Moments,
  alpha = 0.05,
): (Comparison & { df: number }) | null {
  if (control.n < 2 || treatment.n < 2) return null;
  const a = control.variance / control.n;
  const b = treatment.variance / treatment.n;
  const se = Math.sqrt(a + b);
  const difference = treatment.mean - control.mean;
  if (se === 0) {
    const ci = { low: difference, high: difference };
    return {
      difference,
      differenceCi: ci,
      ...relative(difference, ci, control.mean),
      statistic: 0,
      pValue: difference === 0 ? 1 : 0,
      significant: difference !== 0,
      df: control.n + treatment.n - 2,
    };
  }
  const df = (a + b) ** 2 / (a ** 2 / (control.n - 1) + b ** 2 / (treatment.n - 1));
  const t = difference / se;
  const pValue = studentTwoSidedP(t, df);
  const q = studentQuantileTwoSided(alpha, df);
  const differenceCi = { low: difference - q * se, high: difference + q * se };
  return {
    difference,
    differenceCi,
    ...relative(difference, differenceCi, control.mean),
    statistic: t,
    pValue,
    significant: pValue < alpha,
    df,
  };
}

/**
 * Units per arm needed to detect a relative lift `mde` on a baseline rate with the given power, two-sided
 * level alpha (Fleiss, without continuity correction):
 * n = (z_{1-α/2} √(2 p̄ (1 - p̄)) + z_{1-β} √(p1 (1 - p1) + p2 (1 - p2)))² / (p2 - p1)²,  p2 = p1 (1 + mde).
 */
export function sampleSizeTwoProportions(
  baseline: number,
  mde: number,
  alpha = 0.05,
  power = 0.8,
): number | null {
  const p1 = baseline;
  const p2 = baseline * (1 + mde);
  if (!(p1 > 0 && p1 < 1) || !(p2 > 0 && p2 < 1) || p1 === p2) return null;
  const pBar = (p1 + p2) / 2;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const num = za * Math.sqrt(2 * pBar * (1 - pBar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((num * num) / ((p2 - p1) * (p2 - p1)));
}
