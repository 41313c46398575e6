// `graphrec ab report EXP`: read the counters of each variant from Redis (readCounts) and turn them into the
// report (buildReport, pure). The first variant is the control; every other variant is compared with it.
// Units are what was randomised (users or sessions): conversion and revenue per unit are per unit; CTR is per
// exposure (each served response), which treats the responses of one unit as independent (see docs).
import type Redis from 'ioredis';
import { experimentKeys, LATENCY_BUCKETS_MS } from './keys';
import { momentsOf, sampleSizeTwoProportions, twoProportionTest, welchTest, type Comparison } from './stats';
import type { Experiment, ExperimentVariant } from './types';

export interface VariantCounts {
  exposures: number;
  clicks: number;
  clickedExposures: number;
  carts: number;
  purchases: number;
  revenueCents: number;
  units: number;
  cartUnits: number;
  buyers: number;
  /** Revenue (cents) of each unit that bought; the other units spent 0. */
  revenueByUnit: number[];
  distinctItems: number;
  /** Latency bucket upper bound (ms, or 'inf') -> responses. */
  latency: Record<string, number>;
}

export interface ExperimentCounts {
  catalogSize: number;
  variants: Record<string, VariantCounts>;
}

export async function readCounts(redis: Redis, prefix: string, exp: Experiment): Promise<ExperimentCounts> {
  const k = experimentKeys(prefix);
  const p = redis.pipeline();
  p.hget(k.meta(exp.id), 'catalogSize');
  for (const v of exp.variants) {
    p.hgetall(k.counters(exp.id, v.name));
    p.scard(k.units(exp.id, v.name));
    p.scard(k.carters(exp.id, v.name));
    p.scard(k.buyers(exp.id, v.name));
    p.hvals(k.revenue(exp.id, v.name));
    p.scard(k.items(exp.id, v.name));
    p.hgetall(k.latency(exp.id, v.name));
  }
  const res = (await p.exec()) ?? [];
  const val = (i: number) => {
    const [err, v] = res[i];
    if (err) throw err;
    return v;
  };
  const out: ExperimentCounts = { catalogSize: Number(val(0) ?? 0), variants: {} };
  exp.variants.forEach((v, i) => {
    const at = 1 + i * 7;
    const c = val(at) as Record<string, string>;
    const n = (f: string) => Number(c[f] ?? 0);
    const lat = val(at + 6) as Record<string, string>;
    out.variants[v.name] = {
      exposures: n('exposures'),
      clicks: n('clicks'),
      clickedExposures: n('clickedExposures'),
      carts: n('carts'),
      purchases: n('purchases'),
      revenueCents: n('revenueCents'),
      units: val(at + 1) as number,
      cartUnits: val(at + 2) as number,
      buyers: val(at + 3) as number,
      revenueByUnit: (val(at + 4) as string[]).map(Number),
      distinctItems: val(at + 5) as number,
      latency: Object.fromEntries(Object.entries(lat).map(([b, x]) => [b, Number(x)])),
    };
  });
  return out;
}

export interface ReportSettings {
  alpha: number;
  power: number;
  /** Relative minimum detectable effect on conversion and CTR. */
  mde: number;
}

export interface VariantReport {
  name: string;
  weight: number;
  modelVersion: string | null;
  ranker: ExperimentVariant['ranker'];
  units: number;
  exposures: number;
  clicks: number;
  /** Exposures with at least one click / exposures. */
  ctr: number | null;
  carts: number;
  cartUnits: number;
  purchases: number;
  buyers: number;
  /** Units that bought / units. */
  conversion: number | null;
  revenue: number;
  revenuePerUnit: { mean: number; sd: number };
  guardrails: {
    latencyP95Ms: number | null;
    distinctItems: number;
    /** Distinct items recommended / catalogue size. */
    coverage: number | null;
    ok: boolean;
    violations: string[];
  };
  /** Against the control; null for the control itself. */
  vsControl: {
    ctr: Comparison | null;
    conversion: Comparison | null;
    revenuePerUnit: (Comparison & { df: number }) | null;
  } | null;
}

export interface SampleSizeCheck {
  metric: 'conversion' | 'ctr';
  /** The control's observed rate: the baseline the MDE is relative to. */
  baseline: number | null;
  mde: number;
  /** Per variant: units for conversion, exposures for CTR. */
  requiredPerVariant: number | null;
  smallestVariant: number;
  reached: boolean;
}

export interface ExperimentReport {
  experiment: Pick<
    Experiment,
    'id' | 'description' | 'unit' | 'status' | 'startedAt' | 'stoppedAt' | 'promotedVariant' | 'source'
  >;
  settings: ReportSettings;
  catalogSize: number;
  variants: VariantReport[];
  sampleSize: SampleSizeCheck[];
  /** One line per treatment variant, for people. */
  summary: string[];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const round = (x: number, d = 6) => Math.round(x * 10 ** d) / 10 ** d;

/** The upper bound of the latency bucket holding the 95th percentile of the responses. */
export function p95FromBuckets(latency: Record<string, number>): number | null {
  const total = Object.values(latency).reduce((s, x) => s + x, 0);
  if (total === 0) return null;
  const target = Math.ceil(total * 0.95);
  let seen = 0;
  for (const b of LATENCY_BUCKETS_MS) {
    seen += latency[String(b)] ?? 0;
    if (seen >= target) return b;
  }
  return Number.POSITIVE_INFINITY;
}

const EMPTY: VariantCounts = {
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
};

export function buildReport(
  exp: Experiment,
  counts: ExperimentCounts,
  settings: ReportSettings,
): ExperimentReport {
  const c = (v: ExperimentVariant) => counts.variants[v.name] ?? EMPTY;
  const revenueMoments = (x: VariantCounts) =>
    momentsOf(
      x.revenueByUnit.map((cents) => cents / 100),
      Math.max(0, x.units - x.revenueByUnit.length),
    );
  const control = exp.variants[0];
  const cc = c(control);
  const controlP95 = p95FromBuckets(cc.latency);
  const coverageOf = (x: VariantCounts) =>
    counts.catalogSize > 0 ? x.distinctItems / counts.catalogSize : null;
  const controlCoverage = coverageOf(cc);

  const variants = exp.variants.map((v, i): VariantReport => {
    const x = c(v);
    const m = revenueMoments(x);
    const p95 = p95FromBuckets(x.latency);
    const coverage = coverageOf(x);
    const violations: string[] = [];
    const g = exp.guardrails;
    if (p95 !== null && g.maxP95LatencyMs !== null && p95 > g.maxP95LatencyMs)
      violations.push(`p95 latency ${p95} ms is above the limit of ${g.maxP95LatencyMs} ms`);
    if (i > 0 && p95 !== null && controlP95 !== null && p95 > controlP95 * (1 + g.maxP95LatencyIncrease))
      violations.push(
        `p95 latency ${p95} ms is more than ${Math.round(g.maxP95LatencyIncrease * 100)} % above the control's ${controlP95} ms`,
      );
    if (
      i > 0 &&
      coverage !== null &&
      controlCoverage !== null &&
      coverage < controlCoverage * g.minCoverageRatio
    )
      violations.push(
        `coverage ${round(coverage, 4)} is below ${Math.round(g.minCoverageRatio * 100)} % of the control's ${round(controlCoverage, 4)}`,
      );
    return {
      name: v.name,
      weight: v.weight,
      modelVersion: v.modelVersion,
      ranker: v.ranker,
      units: x.units,
      exposures: x.exposures,
      clicks: x.clicks,
      ctr: ratio(x.clickedExposures, x.exposures),
      carts: x.carts,
      cartUnits: x.cartUnits,
      purchases: x.purchases,
      buyers: x.buyers,
      conversion: ratio(x.buyers, x.units),
      revenue: x.revenueCents / 100,
      revenuePerUnit: { mean: round(m.mean), sd: round(Math.sqrt(m.variance)) },
      guardrails: {
        latencyP95Ms: p95,
        distinctItems: x.distinctItems,
        coverage,
        ok: violations.length === 0,
        violations,
      },
      vsControl:
        i === 0
          ? null
          : {
              ctr: twoProportionTest(
                cc.clickedExposures,
                cc.exposures,
                x.clickedExposures,
                x.exposures,
                settings.alpha,
              ),
              conversion: twoProportionTest(cc.buyers, cc.units, x.buyers, x.units, settings.alpha),
              revenuePerUnit: welchTest(revenueMoments(cc), m, settings.alpha),
            },
    };
  });

  const smallest = (f: (x: VariantCounts) => number) => Math.min(...exp.variants.map((v) => f(c(v))));
  const check = (
    metric: SampleSizeCheck['metric'],
    baseline: number | null,
    have: number,
  ): SampleSizeCheck => {
    const required =
      baseline === null
        ? null
        : sampleSizeTwoProportions(baseline, settings.mde, settings.alpha, settings.power);
    return {
      metric,
      baseline,
      mde: settings.mde,
      requiredPerVariant: required,
      smallestVariant: have,
      reached: required !== null && have >= required,
    };
  };
  const sampleSize = [
    check(
      'conversion',
      ratio(cc.buyers, cc.units),
      smallest((x) => x.units),
    ),
    check(
      'ctr',
      ratio(cc.clickedExposures, cc.exposures),
      smallest((x) => x.exposures),
    ),
  ];

  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);
  const summary = variants.slice(1).map((v) => {
    const conv = v.vsControl?.conversion;
    const verdict = !sampleSize[0].reached
      ? 'not enough units yet'
      : conv?.significant
        ? (conv.difference > 0 ? 'better' : 'worse') + ' than control (p < alpha)'
        : 'no significant difference';
    return `${v.name}: conversion lift ${pct(conv?.lift ?? null)} [${pct(conv?.liftCi?.low ?? null)}, ${pct(conv?.liftCi?.high ?? null)}], p = ${conv ? conv.pValue.toFixed(4) : 'n/a'}; ${verdict}; guardrails ${v.guardrails.ok ? 'ok' : 'VIOLATED'}`;
  });

  return {
    experiment: {
      id: exp.id,
      description: exp.description,
      unit: exp.unit,
      status: exp.status,
      startedAt: exp.startedAt,
      stoppedAt: exp.stoppedAt,
      promotedVariant: exp.promotedVariant,
      source: exp.source,
    },
    settings,
    catalogSize: counts.catalogSize,
    variants,
    sampleSize,
    summary,
  };
}
