// report.md of a model version: what was trained on what, the final metrics table and the training curve.
import type { CurvePoint } from '../lightgcn/trainer';
import { lineChartSvg } from './chart';

export interface ReportInput {
  version: string;
  model: string;
  dataset: string;
  dataHash: string;
  codeVersion: string;
  seconds: number;
  epochs: number;
  metrics: Record<string, number>;
  curve: CurvePoint[];
  config: Record<string, unknown>;
}

export function curveSvg(curve: CurvePoint[]): string {
  const series = [
    { name: 'valid ndcg@20', points: curve.map((p) => [p.seconds, p.valid['ndcg@20']] as [number, number]) },
    {
      name: 'valid recall@20',
      points: curve.map((p) => [p.seconds, p.valid['recall@20']] as [number, number]),
    },
  ];
  if (curve.some((p) => p.tracked?.['recall@20'] !== undefined)) {
    series.push({
      name: 'test recall@20',
      points: curve.map((p) => [p.seconds, p.tracked?.['recall@20'] ?? NaN] as [number, number]),
    });
  }
  return lineChartSvg('Training curve', 'training seconds', series);
}

export function renderReport(r: ReportInput): string {
  const ks = [10, 20, 50];
  const names = ['recall', 'ndcg', 'precision', 'hitrate', 'mrr', 'coverage'];
  const fmt = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(4));
  const rows = names.map((n) => `| ${n} | ${ks.map((k) => fmt(r.metrics[`${n}@${k}`])).join(' | ')} |`);
  const curveRows = r.curve.map(
    (p) =>
      `| ${p.epoch} | ${p.step} | ${p.seconds.toFixed(0)} | ${p.loss.toFixed(4)} | ${fmt(p.valid['recall@20'])} | ${fmt(p.valid['ndcg@20'])} |`,
  );
  return [
    `# Model ${r.version}`,
    '',
    `- model: ${r.model}`,
    `- data: ${r.dataset} (sha256 ${r.dataHash})`,
    `- code: ${r.codeVersion}`,
    `- training: ${r.seconds.toFixed(0)} s, ${r.epochs} epochs`,
    '',
    '## Test metrics (full ranking, train items excluded)',
    '',
    '| metric | @10 | @20 | @50 |',
    '|---|---|---|---|',
    ...rows,
    '',
    '## Training curve',
    '',
    r.curve.length > 0 ? '![training curve](curve.svg)' : '(no training: this model has no iterations)',
    '',
    ...(r.curve.length > 0
      ? [
          '| epoch | step | seconds | loss | valid recall@20 | valid ndcg@20 |',
          '|---|---|---|---|---|---|',
          ...curveRows,
          '',
        ]
      : []),
    '## Configuration',
    '',
    '```json',
    JSON.stringify(r.config, null, 2),
    '```',
    '',
  ].join('\n');
}
