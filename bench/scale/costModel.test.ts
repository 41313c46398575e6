import {
  costModel,
  fitPowerLaw,
  fitStage,
  predict,
  renderCostModel,
  scaleAtLimit,
  solve,
  type Point,
} from './costModel';
import { nominalSize as sizeAt } from './options';
import type { ScaleResult } from './result';

const FACTORS = [0.05, 0.2, 0.5, 1, 10];

describe('fitPowerLaw', () => {
  it('recovers a planted power law in events from proportional shops, with zero residuals', () => {
    const points: Point[] = FACTORS.map((f) => {
      const size = sizeAt(f);
      return { size, y: 0.003 * size.events ** 1.25 };
    });
    const law = fitStage(points)!;
    expect(Object.keys(law.exponents)).toEqual(['events']);
    expect(law.exponents.events).toBeCloseTo(1.25, 10);
    expect(law.coef).toBeCloseTo(0.003, 10);
    for (const r of law.residuals) expect(Math.abs(r)).toBeLessThan(1e-9);
  });

  it('recovers three planted exponents from shops of different shapes', () => {
    const shapes = [
      [1e4, 1e3, 1e5],
      [2e4, 5e3, 1e5],
      [1e5, 2e3, 4e5],
      [3e4, 3e4, 2e6],
      [5e5, 1e4, 1e6],
      [7e4, 8e4, 3e5],
    ];
    const points = shapes.map(([users, products, events]) => ({
      size: { users, products, events },
      y: 2 * users ** 0.5 * products ** 1.1 * events ** 0.8,
    }));
    const law = fitStage(points)!;
    expect(law.exponents.users).toBeCloseTo(0.5, 8);
    expect(law.exponents.products).toBeCloseTo(1.1, 8);
    expect(law.exponents.events).toBeCloseTo(0.8, 8);
    expect(law.coef).toBeCloseTo(2, 6);
  });

  it('refuses to separate sizes that grew together, and needs more points than unknowns', () => {
    const points = FACTORS.map((f) => ({ size: sizeAt(f), y: f }));
    expect(fitPowerLaw(points, ['users', 'products', 'events'])).toBeNull();
    expect(fitPowerLaw(points.slice(0, 1), ['events'])).toBeNull();
  });

  it('shows the residual of each point against the least-squares line in log space', () => {
    // ln y = ln 1 + 1 * ln x, with the middle point 10% high and the ends balancing it.
    const ys = [1, 1.1, 1];
    const points = [1e5, 1e6, 1e7].map((events, i) => ({
      size: { users: 1, products: 1, events },
      y: events * ys[i],
    }));
    const law = fitPowerLaw(points, ['events'])!;
    expect(law.exponents.events).toBeCloseTo(1, 10);
    const mid = Math.exp(Math.log(1.1) / 3);
    expect(law.residuals[1]).toBeCloseTo(1.1 / mid - 1, 10);
    expect(law.residuals[0]).toBeCloseTo(1 / mid - 1, 10);
  });

  it('refuses a measurement that is not positive', () => {
    expect(() =>
      fitPowerLaw(
        [
          { size: sizeAt(1), y: 0 },
          { size: sizeAt(2), y: 1 },
        ],
        ['events'],
      ),
    ).toThrow('a power law needs positive sizes and measurements');
  });
});

describe('solve and scaleAtLimit', () => {
  it('solves a small system and reports a singular one', () => {
    expect(
      solve(
        [
          [2, 1],
          [1, 3],
        ],
        [3, 5],
      )!.map((x) => +x.toFixed(10)),
    ).toEqual([0.8, 1.4]);
    expect(
      solve(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toBeNull();
  });

  it('finds the scale at which a growing law reaches a limit, and none for a flat one', () => {
    const law = { coef: 1, exponents: { events: 1 }, residuals: [] };
    // y = events; 24,576 events is 24,576 / 2,000,000 of the default shop.
    expect(scaleAtLimit(law, 24_576)! / (24_576 / 2e6)).toBeCloseTo(1, 6);
    expect(scaleAtLimit({ coef: 5, exponents: { events: 0 }, residuals: [] }, 10)).toBeNull();
    expect(predict(law, sizeAt(10))).toBe(2e7);
  });
});

describe('costModel', () => {
  const result = (scale: string, f: number): ScaleResult => {
    const s = (a: number, b: number) => ({ seconds: a * f ** b, peakRssMb: 200 * f ** 0.5 });
    return {
      scale,
      stages: {
        generate: s(10, 1),
        load: s(100, 0.9),
        split: s(5, 1),
        features: s(20, 1),
        refresh: s(600, 1.2),
        publish: s(30, 1),
      },
      serving: { missP99Ms: 10, hitP99Ms: 4, apiRssMb: 400 },
    };
  };

  it('predicts 10x and 100x from the fitted stages and where the refresh passes 60 minutes', () => {
    const models = costModel([result('0.2x', 0.2), result('0.05x', 0.05), result('0.5x', 0.5)]);
    expect(models).toHaveLength(12);
    const refresh = models.find((m) => m.stage === 'refresh' && m.metric === 'seconds')!;
    expect(refresh.measured.map((p) => p.scale)).toEqual(['0.05x', '0.2x', '0.5x']);
    expect(refresh.law!.exponents.events).toBeCloseTo(1.2, 6);
    expect(refresh.at10x! / (600 * 10 ** 1.2)).toBeCloseTo(1, 6);
    expect(refresh.at100x! / (600 * 100 ** 1.2)).toBeCloseTo(1, 6);
    // 600 * f^1.2 = 3600 at f = 6^(1/1.2).
    expect(refresh.limit!.atScale! / 6 ** (1 / 1.2)).toBeCloseTo(1, 6);
    const memory = models.find((m) => m.stage === 'load' && m.metric === 'peakRssMb')!;
    // 200 * f^0.5 = 24,576 MB at f = (24576 / 200)^2.
    expect(memory.limit!.atScale! / (24_576 / 200) ** 2).toBeCloseTo(1, 6);
    expect(models.find((m) => m.stage === 'load' && m.metric === 'seconds')!.limit).toBeNull();
  });
});

describe('renderCostModel', () => {
  const run = (scale: string, seconds: number) => ({ scale, stages: { load: { seconds } } });

  it('shows each run with its residual, and says when a fit has none to show', () => {
    const three = renderCostModel(costModel([run('0.05x', 10), run('0.2x', 44), run('0.5x', 100)]));
    expect(three).toContain('| load | time | ');
    expect(three).toMatch(/0\.05x: 10 s \(-?\d+%\); 0\.2x: 44 s \(-?\d+%\); 0\.5x: 100 s \(-?\d+%\) \|/);
    const two = renderCostModel(costModel([run('0.05x', 10), run('0.2x', 40)]));
    expect(two).toContain('0.05x: 10 s; 0.2x: 40 s (exact fit: no residual) | 2,000 s | 20,000 s | - |');
  });
});
