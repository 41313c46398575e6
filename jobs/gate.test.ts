import { qualityGate } from './gate';

const t = { maxNdcgDrop: 0.02, maxColdNdcgDrop: 0.05 };
const m = (version: string, ndcg: number, cold?: number) => ({
  version,
  metrics: { 'ndcg@20': ndcg },
  segments: (cold === undefined ? {} : { cold_users: { 'ndcg@20': cold } }) as Record<
    string,
    Record<string, number>
  >,
});

describe('qualityGate', () => {
  it('passes a candidate within the allowed drop, overall and cold-start', () => {
    const d = qualityGate(m('new', 0.099, 0.0481), m('old', 0.1, 0.05), t);
    expect(d.passed).toBe(true);
    expect(d.checks.map((c) => c.name)).toEqual(['ndcg@20 overall', 'ndcg@20 cold_users']);
    expect(d.checks[0].change).toBeCloseTo(-0.01, 10);
  });

  it('rejects a degraded model and says why', () => {
    const d = qualityGate(m('bad', 0.05, 0.05), m('old', 0.1, 0.05), t);
    expect(d.passed).toBe(false);
    expect(d.reason).toContain('bad is gated out against old');
    expect(d.reason).toContain(
      'ndcg@20 overall 0.0500 vs 0.1000 (-50.0 %) drops more than the allowed 2.0 %',
    );
  });

  it('rejects a cold-start regression even when the overall figure improves', () => {
    const d = qualityGate(m('new', 0.2, 0.04), m('old', 0.1, 0.05), t);
    expect(d.passed).toBe(false);
    expect(d.checks[1].passed).toBe(false);
  });

  it('rejects a candidate that lost a segment the active model has, and one without the metric', () => {
    expect(qualityGate(m('new', 0.2), m('old', 0.1, 0.05), t).passed).toBe(false);
    expect(qualityGate({ version: 'x', metrics: {}, segments: {} }, null, t).passed).toBe(false);
  });

  it('passes the first model when nothing is active', () => {
    const d = qualityGate(m('first', 0.01), null, t);
    expect(d.passed).toBe(true);
    expect(d.reason).toContain('no active model');
  });
});
