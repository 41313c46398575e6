import { buildReport, p95FromBuckets, type VariantCounts } from './report';
import { twoProportionTest } from './stats';
import { parseDefinition } from './types';

const exp = parseDefinition(
  {
    id: 'r1',
    variants: [
      { name: 'control', weight: 0.5 },
      { name: 'b', weight: 0.5, modelVersion: 'lightgcn-20260101-000000-abcdef' },
    ],
    guardrails: { maxP95LatencyMs: 100 },
  },
  'admin',
);

const counts = (over: Partial<VariantCounts>): VariantCounts => ({
  exposures: 0,
  clicks: 0,
  clickedExposures: 0,
  carts: 0,
  purchases: 0,
  revenueCents: 0,
  units: 0,
  cartUnits: 0,
  buyers: 0,
  revenueByUnit: [],
  distinctItems: 0,
  latency: {},
  ...over,
});

describe('buildReport', () => {
  const report = buildReport(
    exp,
    {
      catalogSize: 100,
      variants: {
        control: counts({
          exposures: 1000,
          clickedExposures: 200,
          clicks: 230,
          units: 400,
          buyers: 40,
          purchases: 50,
          revenueCents: 40 * 2500,
          revenueByUnit: Array(40).fill(2500),
          distinctItems: 50,
          latency: { '20': 90, '50': 10 },
        }),
        b: counts({
          exposures: 1000,
          clickedExposures: 250,
          clicks: 260,
          units: 400,
          buyers: 60,
          purchases: 61,
          revenueCents: 60 * 2500,
          revenueByUnit: Array(60).fill(2500),
          distinctItems: 30,
          latency: { '50': 94, '150': 6 },
        }),
      },
    },
    { alpha: 0.05, power: 0.8, mde: 0.2 },
  );
  const [control, b] = report.variants;

  it('computes the rates per exposure and per unit', () => {
    expect(control).toMatchObject({
      ctr: 0.2,
      conversion: 0.1,
      revenue: 1000,
      revenuePerUnit: { mean: 2.5 },
    });
    expect(b).toMatchObject({ ctr: 0.25, conversion: 0.15, revenue: 1500, revenuePerUnit: { mean: 3.75 } });
    expect(control.vsControl).toBeNull();
  });

  it('compares with the control using the tested statistics', () => {
    expect(b.vsControl!.ctr).toEqual(twoProportionTest(200, 1000, 250, 1000));
    expect(b.vsControl!.conversion!.lift).toBeCloseTo(0.5, 12);
    expect(b.vsControl!.revenuePerUnit!.difference).toBeCloseTo(1.25, 12);
  });

  it('checks the sample size against the control baseline', () => {
    // 10 % baseline, +20 % relative: 3841 units per arm; 400 is far from it.
    expect(report.sampleSize[0]).toMatchObject({
      metric: 'conversion',
      baseline: 0.1,
      requiredPerVariant: 3841,
      smallestVariant: 400,
      reached: false,
    });
    expect(report.summary[0]).toContain('not enough units yet');
  });

  it('flags guardrail violations: latency (absolute and versus control) and coverage', () => {
    expect(control.guardrails).toMatchObject({ latencyP95Ms: 50, coverage: 0.5, ok: true });
    expect(b.guardrails.latencyP95Ms).toBe(150);
    expect(b.guardrails.violations).toEqual([
      'p95 latency 150 ms is above the limit of 100 ms',
      "p95 latency 150 ms is more than 25 % above the control's 50 ms",
      "coverage 0.3 is below 80 % of the control's 0.5",
    ]);
  });
});

describe('p95FromBuckets', () => {
  it('returns the bound of the bucket holding the 95th percentile', () => {
    expect(p95FromBuckets({})).toBeNull();
    expect(p95FromBuckets({ '5': 95, '1000': 5 })).toBe(5);
    expect(p95FromBuckets({ '5': 94, '1000': 6 })).toBe(1000);
    expect(p95FromBuckets({ inf: 1 })).toBe(Number.POSITIVE_INFINITY);
  });
});
