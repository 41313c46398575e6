// Checked against textbook values: normal and t tables, a worked two-proportion z-test, the Welch df formula,
// and the classic sample size for 10 % vs 12 % (3841 per arm, Fleiss without continuity correction).
import {
  momentsOf,
  normalCdf,
  normalQuantile,
  sampleSizeTwoProportions,
  studentQuantileTwoSided,
  studentTwoSidedP,
  twoProportionTest,
  welchTest,
} from './stats';

describe('distributions', () => {
  it('matches the normal table', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });

  it('matches the t table', () => {
    expect(studentTwoSidedP(2.228139, 10)).toBeCloseTo(0.05, 5);
    expect(studentTwoSidedP(2.042272, 30)).toBeCloseTo(0.05, 5);
    expect(studentTwoSidedP(2.763262, 28)).toBeCloseTo(0.01, 5);
    expect(studentTwoSidedP(0, 5)).toBeCloseTo(1, 10);
    expect(studentQuantileTwoSided(0.05, 18)).toBeCloseTo(2.100922, 5);
    expect(studentQuantileTwoSided(0.05, 1e6)).toBeCloseTo(1.959966, 4);
  });
});

describe('twoProportionTest', () => {
  it('reproduces the worked example 200/1000 vs 250/1000', () => {
    // pooled p = 0.225, SE = sqrt(0.225 * 0.775 * 2 / 1000) = 0.0186748, z = 0.05 / SE = 2.67741.
    const r = twoProportionTest(200, 1000, 250, 1000)!;
    expect(r.difference).toBeCloseTo(0.05, 12);
    expect(r.statistic).toBeCloseTo(2.67741, 4);
    expect(r.pValue).toBeCloseTo(0.00742, 4);
    expect(r.significant).toBe(true);
    // Unpooled SE = sqrt(0.2*0.8/1000 + 0.25*0.75/1000) = 0.0186413; CI = 0.05 ± 1.959964 * SE.
    expect(r.differenceCi.low).toBeCloseTo(0.05 - 1.959964 * 0.0186413, 5);
    expect(r.differenceCi.high).toBeCloseTo(0.05 + 1.959964 * 0.0186413, 5);
    expect(r.lift).toBeCloseTo(0.25, 12);
    expect(r.liftCi!.low).toBeCloseTo(r.differenceCi.low / 0.2, 12);
  });

  it('is not significant for equal rates, and null without units', () => {
    const same = twoProportionTest(10, 100, 10, 100)!;
    expect(same).toMatchObject({ difference: 0, statistic: 0, significant: false });
    expect(same.pValue).toBeCloseTo(1, 6);
    expect(twoProportionTest(0, 0, 1, 10)).toBeNull();
    expect(twoProportionTest(0, 10, 0, 10)).toMatchObject({ pValue: 1, lift: null, liftCi: null });
  });
});

describe('welchTest', () => {
  it('uses the Welch–Satterthwaite df and reduces to Student for equal n and variance', () => {
    const eq = welchTest({ n: 10, mean: 10, variance: 4 }, { n: 10, mean: 12, variance: 4 })!;
    expect(eq.df).toBeCloseTo(18, 10);
    expect(eq.statistic).toBeCloseTo(2 / Math.sqrt(0.8), 10);
    expect(eq.pValue).toBeCloseTo(studentTwoSidedP(2.236068, 18), 6);
    expect(eq.differenceCi.low).toBeCloseTo(2 - 2.100922 * Math.sqrt(0.8), 4);
    // df = (0.1 + 0.2)^2 / (0.1^2 / 9 + 0.2^2 / 19) = 27.982
    const uneq = welchTest({ n: 10, mean: 5, variance: 1 }, { n: 20, mean: 5.5, variance: 4 })!;
    expect(uneq.df).toBeCloseTo(27.982, 2);
    expect(uneq.lift).toBeCloseTo(0.1, 12);
  });

  it('needs two units per arm', () => {
    expect(welchTest({ n: 1, mean: 1, variance: 0 }, { n: 5, mean: 1, variance: 1 })).toBeNull();
  });
});

describe('momentsOf', () => {
  it('counts the unlisted zeros (units that spent nothing)', () => {
    // values 0, 0, 3, 5: mean 2, sample variance ((4 + 4 + 1 + 9) / 3) = 6
    expect(momentsOf([3, 5], 2)).toEqual({ n: 4, mean: 2, variance: 6 });
    expect(momentsOf([], 0)).toEqual({ n: 0, mean: 0, variance: 0 });
  });
});

describe('sampleSizeTwoProportions', () => {
  it('gives 3841 per arm for 10 % vs 12 % at alpha 0.05 and power 0.8', () => {
    expect(sampleSizeTwoProportions(0.1, 0.2, 0.05, 0.8)).toBe(3841);
  });
  it('grows with the power and shrinks with the effect; null when undefined', () => {
    expect(sampleSizeTwoProportions(0.1, 0.2, 0.05, 0.9)!).toBeGreaterThan(3841);
    expect(sampleSizeTwoProportions(0.1, 0.4)!).toBeLessThan(3841);
    expect(sampleSizeTwoProportions(0, 0.1)).toBeNull();
    expect(sampleSizeTwoProportions(0.9, 0.5)).toBeNull();
  });
});
