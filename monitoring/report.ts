// The drift report: markdown with one SVG chart per data feature, plus the model and recommendation drift.
import fs from 'node:fs';
import path from 'node:path';
import type { DataDrift } from './dataDrift';
import type { EmbeddingDrift, RecommendationDrift } from './modelDrift';
import { groupedBarsSvg } from './svg';

export interface DriftReport {
  generatedAt: string;
  data: DataDrift;
  embedding: EmbeddingDrift | null;
  recommendations: RecommendationDrift[];
  notes: string[];
}

const f = (v: number | null | undefined, d = 4) =>
  v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d);

export function writeDriftReport(
  dir: string,
  r: DriftReport,
): { markdown: string; json: string; charts: string[] } {
  fs.mkdirSync(dir, { recursive: true });
  const charts: string[] = [];
  const lines = [
    '# Drift report',
    '',
    `Generated ${r.generatedAt}. Training window ${r.data.training.start} .. ${r.data.training.end} (${r.data.training.events} events); latest window ${r.data.latest.start} .. ${r.data.latest.end} (${r.data.latest.events} events).`,
    '',
    '| feature | PSI | level | threshold | alert |',
    '|---|---|---|---|---|',
    ...r.data.features.map(
      (x) => `| ${x.feature} | ${f(x.psi)} | ${x.level} | ${x.threshold} | ${x.alert ? '**yes**' : 'no'} |`,
    ),
  ];
  for (const x of r.data.features) {
    const file = `${x.feature}.svg`;
    fs.writeFileSync(
      path.join(dir, file),
      groupedBarsSvg(
        `${x.feature}: PSI ${f(x.psi, 3)} (${x.level})`,
        x.bins.map((b) => b.label),
        [
          { name: 'training window', values: x.bins.map((b) => b.expected), colour: '#7f9cc7' },
          { name: 'latest window', values: x.bins.map((b) => b.actual), colour: '#d9822b' },
        ],
      ),
    );
    charts.push(file);
    const top = [...x.bins].sort((a, b) => b.contribution - a.contribution).slice(0, 5);
    lines.push(
      '',
      `## ${x.feature}`,
      '',
      `![${x.feature}](${file})`,
      '',
      x.shifted.length
        ? `Shares that moved by x${1.5} or more: ${x.shifted.map((b) => `${b.label} ${f(b.expected * 100, 2)} % -> ${f(b.actual * 100, 2)} % (x${f(b.ratio, 2)})`).join('; ')}.`
        : 'No share moved by x1.5 or more.',
      '',
      'Largest contributions:',
      '',
      '| bin | training share | latest share | PSI term |',
      '|---|---|---|---|',
      ...top.map(
        (b) =>
          `| ${b.label} | ${f(b.expected * 100, 2)} % | ${f(b.actual * 100, 2)} % | ${f(b.contribution)} |`,
      ),
    );
  }
  lines.push('', '## Model drift', '');
  if (r.embedding)
    lines.push(
      `${r.embedding.from} -> ${r.embedding.to}: ${r.embedding.commonItems} common products, mean cosine distance ${f(r.embedding.meanCosineDistance)}, neighbour overlap@20 ${f(r.embedding.neighbourOverlapAt20)} (${r.embedding.sampled} sampled products).`,
    );
  else lines.push('No two model versions to compare.');
  if (r.recommendations.length)
    lines.push(
      '',
      '| version | users sampled | coverage@20 | popularity bias |',
      '|---|---|---|---|',
      ...r.recommendations.map(
        (x) => `| ${x.version} | ${x.users} | ${f(x.coverage)} | ${f(x.popularityBias)} |`,
      ),
    );
  if (r.notes.length) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  const markdown = path.join(dir, 'drift.md');
  const json = path.join(dir, 'drift.json');
  fs.writeFileSync(markdown, `${lines.join('\n')}\n`);
  fs.writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  return { markdown, json, charts };
}
