// The cost model of the scale runs: for each stage, its time and its peak memory as a power law of the shop's
// size, y = a * users^bu * products^bp * events^be, fitted by least squares on the logarithms (ln y = ln a +
// sum b ln x). The harness grows users, products and events together, so across its runs the three sizes are
// proportional and only their product's exponent is identifiable: the fit then uses events alone (the largest
// count, what most stages stream) and says so. Shops of other shapes (several ratios, five or more runs) give
// the three exponents. Each fit shows its residuals (measured / fitted - 1), and the model predicts 10x and
// 100x and the scale at which a stage would pass one machine's RAM or the refresh its time target.
import { nominalSize, type ShopSize } from './options';

export type SizeVar = keyof ShopSize;
export const SIZE_VARS: SizeVar[] = ['users', 'products', 'events'];

export interface Point {
  size: ShopSize;
  y: number;
}

export interface PowerLaw {
  /** a in y = a * prod(x^b). */
  coef: number;
  /** The sizes the law depends on, and their exponents. */
  exponents: Partial<Record<SizeVar, number>>;
  /** Per point, in input order: measured / fitted - 1. */
  residuals: number[];
}

/**
 * Solve the square system m x = v (Gaussian elimination, partial pivoting). Returns null when a pivot is below
 * `tol` times the largest diagonal entry: the columns are (nearly) dependent.
 */
export function solve(m: number[][], v: number[], tol = 1e-9): number[] | null {
  const n = v.length;
  const a = m.map((row, i) => [...row, v[i]]);
  const scale = Math.max(...m.map((row, i) => Math.abs(row[i])), Number.MIN_VALUE);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < tol * scale) return null;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row, i) => row[n] / row[i]);
}

/** Least squares of ln y on [1, ln x for x in vars]; null when the sizes cannot separate the variables. */
export function fitPowerLaw(points: Point[], vars: SizeVar[]): PowerLaw | null {
  if (points.length < vars.length + 1) return null;
  if (points.some((p) => !(p.y > 0) || vars.some((v) => !(p.size[v] > 0))))
    throw new Error('a power law needs positive sizes and measurements');
  // Centred columns: the normal equations of the slopes stay well scaled, and the intercept follows.
  const xs = points.map((p) => vars.map((v) => Math.log(p.size[v])));
  const ys = points.map((p) => Math.log(p.y));
  const mean = (col: number[]) => col.reduce((s, x) => s + x, 0) / col.length;
  const mx = vars.map((_, j) => mean(xs.map((r) => r[j])));
  const my = mean(ys);
  const k = vars.length;
  const gram = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => xs.reduce((s, r) => s + (r[i] - mx[i]) * (r[j] - mx[j]), 0)),
  );
  const rhs = Array.from({ length: k }, (_, i) =>
    xs.reduce((s, r, n) => s + (r[i] - mx[i]) * (ys[n] - my), 0),
  );
  const b = solve(gram, rhs, 1e-6);
  if (!b) return null;
  const lnA = my - b.reduce((s, bj, j) => s + bj * mx[j], 0);
  const exponents: Partial<Record<SizeVar, number>> = {};
  vars.forEach((v, j) => (exponents[v] = b[j]));
  const law = { coef: Math.exp(lnA), exponents, residuals: [] as number[] };
  law.residuals = points.map((p) => p.y / predict(law, p.size) - 1);
  return law;
}

/** Three exponents when the runs separate the sizes (five or more runs, full rank), else events alone. */
export function fitStage(points: Point[]): PowerLaw | null {
  return (
    (points.length >= SIZE_VARS.length + 2 && fitPowerLaw(points, SIZE_VARS)) ||
    fitPowerLaw(points, ['events'])
  );
}

export function predict(law: Pick<PowerLaw, 'coef' | 'exponents'>, size: ShopSize): number {
  let y = law.coef;
  for (const [v, b] of Object.entries(law.exponents) as [SizeVar, number][]) y *= size[v] ** b;
  return y;
}

/**
 * The smallest scale factor (of the default shop, in [1e-3, 1e6]) at which the law reaches `limit`, found by
 * bisection on the logarithm; null when it stays below (a law that does not grow with size never ends).
 */
export function scaleAtLimit(law: PowerLaw, limit: number): number | null {
  const at = (f: number) => predict(law, nominalSize(f));
  let lo = Math.log(1e-3);
  let hi = Math.log(1e6);
  if (at(Math.exp(lo)) >= limit) return Math.exp(lo);
  if (at(Math.exp(hi)) < limit) return null;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (at(Math.exp(mid)) >= limit) hi = mid;
    else lo = mid;
  }
  return Math.exp(hi);
}

export type Metric = 'seconds' | 'peakRssMb';

/**
 * One measured scale: its stages' figures by name. A ScaleResult's stages are one; a kept run's record adds the
 * refresh's parts (stages.ts: `fromState`).
 */
export interface MeasuredRun {
  scale: string;
  stages: Record<string, Partial<Record<Metric, number>>>;
}

export interface StageModel {
  stage: string;
  metric: Metric;
  /** The runs' scale labels and measurements, in the order of `law.residuals`. */
  measured: { scale: string; y: number }[];
  law: PowerLaw | null;
  at10x: number | null;
  at100x: number | null;
  /** The limit this metric is held to on one machine, and the scale factor at which the fit reaches it. */
  limit: { name: string; value: number; atScale: number | null } | null;
}

/** One machine: its RAM for every stage's peak, and the nightly refresh's time target. */
export const MACHINE = { ramMb: 24 * 1024, refreshSeconds: 60 * 60 };

const parseFactor = (label: string) => Number(label.replace(/x$/, ''));

/** A model for every stage and metric that all the runs measured, in the first run's order. */
export function costModel(results: MeasuredRun[]): StageModel[] {
  const runs = [...results].sort((a, b) => parseFactor(a.scale) - parseFactor(b.scale));
  const models: StageModel[] = [];
  for (const stage of Object.keys(runs[0]?.stages ?? {}))
    for (const metric of ['seconds', 'peakRssMb'] as Metric[]) {
      if (!runs.every((r) => typeof r.stages[stage]?.[metric] === 'number')) continue;
      const measured = runs.map((r) => ({ scale: r.scale, y: r.stages[stage][metric]! }));
      const law = fitStage(
        runs.map((r, i) => ({ size: nominalSize(parseFactor(r.scale)), y: measured[i].y })),
      );
      const limit =
        metric === 'peakRssMb'
          ? { name: `${MACHINE.ramMb / 1024} GiB RAM`, value: MACHINE.ramMb }
          : stage === 'refresh'
            ? { name: `${MACHINE.refreshSeconds / 60}-min refresh target`, value: MACHINE.refreshSeconds }
            : null;
      models.push({
        stage,
        metric,
        measured,
        law,
        at10x: law ? predict(law, nominalSize(10)) : null,
        at100x: law ? predict(law, nominalSize(100)) : null,
        limit: limit && { ...limit, atScale: law ? scaleAtLimit(law, limit.value) : null },
      });
    }
  return models;
}

const sig = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en') : String(+x.toPrecision(3)));
const unit = (m: Metric, x: number) => (m === 'seconds' ? `${sig(x)} s` : `${sig(x)} MB`);

export function renderCostModel(models: StageModel[]): string {
  const rows = models.map((m) => {
    const law = m.law
      ? `${sig(m.law.coef)} * ${Object.entries(m.law.exponents)
          .map(([v, b]) => `${v}^${b!.toFixed(2)}`)
          .join(' * ')}`
      : 'too few runs';
    // As many runs as unknowns: the law goes through every point and the residuals say nothing.
    const exact = m.law !== null && m.measured.length <= Object.keys(m.law.exponents).length + 1;
    const pct = (r: number) => `${Math.round(r * 100) || 0}%`;
    const points = m.measured
      .map(
        (p, i) =>
          `${p.scale}: ${unit(m.metric, p.y)}${m.law && !exact ? ` (${pct(m.law.residuals[i])})` : ''}`,
      )
      .join('; ')
      .concat(exact ? ' (exact fit: no residual)' : '');
    const limit = m.limit
      ? m.limit.atScale === null
        ? `not before 1e6x (${m.limit.name})`
        : `${sig(m.limit.atScale)}x (${m.limit.name})`
      : '-';
    const p = (x: number | null) => (x === null ? '-' : unit(m.metric, x));
    return `| ${m.stage} | ${m.metric === 'seconds' ? 'time' : 'peak RSS'} | ${law} | ${points} | ${p(m.at10x)} | ${p(m.at100x)} | ${limit} |`;
  });
  return [
    '| stage | metric | fitted power law | measured (residual: measured / fitted - 1) | 10x predicted | 100x predicted | one machine ends at |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
