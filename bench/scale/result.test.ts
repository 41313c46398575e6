import { buildResult } from './result';
import type { ScaleState, StageRecord } from './state';

const rec = (seconds: number, peakRssMb: number, facts: Record<string, unknown> = {}): StageRecord => ({
  status: 'done',
  attempts: 1,
  startedAt: '2026-12-08T00:00:00.000Z',
  finishedAt: '2026-12-08T00:01:00.000Z',
  seconds,
  peakRssMb,
  serverPeakRssMb: 900,
  log: '/tmp/x.log',
  load: [1, 2],
  facts,
  error: null,
});

const state = (): ScaleState => ({
  scale: '0.2x',
  factor: 0.2,
  size: { users: 40_000, products: 10_000, events: 400_000 },
  ports: { bolt: 1, http: 2, redis: 3 },
  stages: {
    generate: rec(10, 200, { counts: { users: 40_000 } }),
    load: rec(40, 600),
    split: rec(5, 150),
    features: rec(12, 300),
    refresh: rec(300, 1500, { publishSeconds: 20, publishPeakRssMb: 900, runId: 'r1' }),
    serving: rec(80, 700, { missP99Ms: 9.5, hitP99Ms: 4.1, apiRssMb: 480, errors: 0 }),
  },
});

describe('buildResult', () => {
  it('has exactly the shape of the issue: scale, six stages of seconds and peakRssMb, serving', () => {
    const r = buildResult(state());
    expect(r).toEqual({
      scale: '0.2x',
      stages: {
        generate: { seconds: 10, peakRssMb: 200 },
        load: { seconds: 40, peakRssMb: 600 },
        split: { seconds: 5, peakRssMb: 150 },
        features: { seconds: 12, peakRssMb: 300 },
        refresh: { seconds: 300, peakRssMb: 1500 },
        publish: { seconds: 20, peakRssMb: 900 },
      },
      serving: { missP99Ms: 9.5, hitP99Ms: 4.1, apiRssMb: 480 },
    });
    expect(Object.keys(JSON.parse(JSON.stringify(r)) as object)).toEqual(['scale', 'stages', 'serving']);
  });

  it('refuses a run with a stage that did not finish, naming it', () => {
    const s = state();
    s.stages.features = { ...s.stages.features!, status: 'interrupted' };
    expect(() => buildResult(s)).toThrow("stage features has no finished measurement in the run's record");
  });

  it('refuses a refresh that recorded no publish figures', () => {
    const s = state();
    s.stages.refresh = rec(300, 1500, { runId: 'r1' });
    expect(() => buildResult(s)).toThrow('stage refresh recorded no number publishSeconds (got undefined)');
  });
});
