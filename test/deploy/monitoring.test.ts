// Alert rules and the Grafana dashboard: well-formed, covering what issue 6 asks to watch, and using only the
// graphrec_ metrics listed in the header of prometheus-rules.yaml (the contract with the code that exports them).
import { parse } from 'yaml';
import { z } from 'zod';
import { readRepoFile } from './repo';

const rulesText = readRepoFile('k8s/monitoring/prometheus-rules.yaml');
const rulesFile = z.object({
  kind: z.literal('PrometheusRule'),
  spec: z.object({
    groups: z.array(
      z.object({
        name: z.string(),
        rules: z.array(
          z.strictObject({
            alert: z.string().regex(/^Graphrec[A-Za-z0-9]+$/),
            expr: z.string().min(1),
            for: z
              .string()
              .regex(/^\d+[smh]$/)
              .optional(),
            labels: z.looseObject({ severity: z.enum(['critical', 'warning', 'info']) }),
            annotations: z.looseObject({ summary: z.string().min(1), runbook: z.string().min(1) }),
          }),
        ),
      }),
    ),
  }),
});
const rules = rulesFile.parse(parse(rulesText)).spec.groups.flatMap((g) => g.rules);

const dashboard = z
  .object({
    uid: z.string(),
    title: z.string(),
    panels: z.array(
      z.object({
        id: z.number(),
        title: z.string(),
        type: z.string(),
        datasource: z.object({ type: z.literal('prometheus'), uid: z.literal('${datasource}') }),
        gridPos: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
        targets: z.array(z.object({ expr: z.string().min(1), refId: z.string() })).min(1),
      }),
    ),
  })
  .parse(JSON.parse(readRepoFile('k8s/monitoring/grafana-dashboard.json')));

/** `# metric: NAME TYPE ...` lines of the rules file header. */
const listed = new Map(
  [...rulesText.matchAll(/^# metric: (graphrec_[a-z0-9_]+)\s+(\S+)/gm)].map((m) => [m[1], m[2]] as const),
);

/** graphrec_ metric names in a PromQL expression, with histogram series suffixes folded onto their metric. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\bgraphrec_[a-z0-9_]+/g)].map((m) => {
    const base = m[0].replace(/_(bucket|sum|count)$/, '');
    return listed.get(base) === 'histogram' ? base : m[0];
  });
}

const hpaMetrics = ['k8s/api-hpa.yaml', 'k8s/worker-hpa.yaml'].flatMap((f) =>
  [...readRepoFile(f).matchAll(/name: (graphrec_[a-z0-9_]+)/g)].map((m) => m[1]),
);
const ruleExprs = rules.map((r) => r.expr);
const panelExprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

function balanced(expr: string): boolean {
  const open = '([{';
  const close = ')]}';
  const stack: string[] = [];
  for (const ch of expr.replace(/"[^"]*"/g, '""')) {
    if (open.includes(ch)) stack.push(ch);
    else if (close.includes(ch) && stack.pop() !== open[close.indexOf(ch)]) return false;
  }
  return stack.length === 0;
}

describe('metric list', () => {
  it('lists graphrec_ metrics with a type', () => {
    expect(listed.size).toBeGreaterThanOrEqual(10);
    for (const type of listed.values()) expect(['counter', 'gauge', 'histogram']).toContain(type);
    for (const name of listed.keys()) {
      if (listed.get(name) === 'counter') expect(name).toMatch(/_total$/);
      if (listed.get(name) === 'histogram') expect(name).toMatch(/_seconds$/);
    }
  });

  it.each([
    ['alert rules', ruleExprs],
    ['dashboard panels', panelExprs],
    ['HPAs', hpaMetrics],
  ])('%s use only listed metrics', (_what, exprs) => {
    const unknown = exprs.flatMap(metricsIn).filter((m) => !listed.has(m));
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('has no listed metric that nothing uses', () => {
    const used = new Set([...ruleExprs, ...panelExprs, ...hpaMetrics].flatMap(metricsIn));
    expect([...listed.keys()].filter((m) => !used.has(m))).toEqual([]);
  });

  it('catches an unlisted metric', () => {
    expect(metricsIn('rate(graphrec_made_up_total[5m])').filter((m) => !listed.has(m))).toEqual([
      'graphrec_made_up_total',
    ]);
  });
});

describe('alert rules', () => {
  it('cover latency, errors, cache, queues, refresh, drift and the active model', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'GraphrecApiLatencyP99High',
        'GraphrecApiErrorRateHigh',
        'GraphrecCacheHitRatioDrop',
        'GraphrecQueueBacklog',
        'GraphrecRefreshFailed',
        'GraphrecDriftPsiHigh',
        'GraphrecNoActiveModel',
      ]),
    );
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('compute p99 from the latency histogram and drift against its exported threshold', () => {
    const expr = (name: string) => rules.find((r) => r.alert === name)?.expr ?? '';
    expect(expr('GraphrecApiLatencyP99High')).toMatch(
      /histogram_quantile\(0\.99, .*graphrec_graphql_request_duration_seconds_bucket/,
    );
    expect(expr('GraphrecDriftPsiHigh')).toMatch(
      /graphrec_drift_psi\).* > on \(feature\) .*graphrec_drift_psi_threshold/,
    );
  });

  it.each(rules.map((r) => [r.alert, r.expr]))('%s has balanced brackets', (_a, expr) => {
    expect(balanced(expr)).toBe(true);
  });

  it('detects unbalanced brackets', () => {
    expect(balanced('sum(rate(x[5m])')).toBe(false);
    expect(balanced('sum(rate(x{a="("}[5m]))')).toBe(true);
  });

  it('mark the alerts that roll a canary back, which the deploy job watches for', () => {
    const rollback = rules.filter((r) => r.labels.rollback === 'true').map((r) => r.alert);
    expect(rollback).toEqual(
      expect.arrayContaining([
        'GraphrecApiLatencyP99High',
        'GraphrecApiErrorRateHigh',
        'GraphrecNoActiveModel',
        'GraphrecCanaryErrorRateHigh',
      ]),
    );
    const watcher = readRepoFile('.github/scripts/watch-alerts.sh');
    expect(watcher).toContain(`filter=rollback="true"`);
    expect(watcher).toContain(`filter=alertname=~"Graphrec.*"`);
  });
});

describe('Grafana dashboard', () => {
  it('shows everything issue 6 asks to monitor', () => {
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join('\n');
    for (const topic of [
      'latency',
      'cache hit ratio',
      'candidate-source mix',
      'model version',
      'queue depth',
      'job durations',
      'ingestion lag',
      'coverage',
      'drift',
    ]) {
      expect(titles).toContain(topic);
    }
  });

  it('has unique panel ids and no overlapping panels on the 24-column grid', () => {
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of dashboard.panels) {
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect([title, cells.has(`${x},${y}`)]).toEqual([title, false]);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it.each(dashboard.panels.flatMap((p) => p.targets.map((t) => [p.title, t.expr])))(
    '%s: %s is balanced',
    (_t, expr) => {
      expect(balanced(expr)).toBe(true);
    },
  );
});
