// The refresh report: what each stage did, the gate's checks, and why the run ended as it did.
import fs from 'node:fs';
import path from 'node:path';
import { runDir, STAGES, type RunState } from './runStore';
import type { GateDecision } from './gate';

export function renderRefreshReport(s: RunState): string {
  const lines = [
    `# Refresh ${s.runId}`,
    '',
    `- trigger: ${s.trigger}; started ${s.createdAt}${s.finishedAt ? `, finished ${s.finishedAt}` : ''}`,
    `- status: **${s.status}**${s.reason ? ` - ${s.reason}` : ''}`,
    `- active model before: ${s.activeBefore ?? 'none'}; after: ${s.activeAfter ?? s.activeBefore ?? 'none'}`,
    ...warmStartLine(s),
    '',
    '| stage | status | attempts | seconds | result / error |',
    '|---|---|---|---|---|',
  ];
  for (const name of STAGES) {
    const st = s.stages[name];
    const detail = st.error ?? (st.result ? summarise(st.result) : '');
    lines.push(
      `| ${name} | ${st.status} | ${st.attempts} | ${st.seconds ?? ''} | ${detail.replace(/\|/g, '\\|')} |`,
    );
  }
  const gate = s.stages.gate.result as unknown as GateDecision | null;
  if (gate?.checks?.length) {
    lines.push(
      '',
      '## Quality gate',
      '',
      `${gate.reason}`,
      '',
      '| check | candidate | active | change | allowed drop | ok |',
      '|---|---|---|---|---|---|',
    );
    for (const c of gate.checks)
      lines.push(
        `| ${c.name} | ${c.candidate?.toFixed(4) ?? '-'} | ${c.active?.toFixed(4) ?? '-'} | ${c.change === null ? '-' : `${(c.change * 100).toFixed(1)} %`} | ${(c.allowedDrop * 100).toFixed(1)} % | ${c.passed ? 'yes' : 'NO'} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** How the train stage started: from which version, and how many E0 rows it reused; or cold, and why. */
function warmStartLine(s: RunState): string[] {
  const r = s.stages.train.result;
  if (!r || !('warmStartFrom' in r)) return [];
  if (typeof r.warmStartFrom === 'string')
    return [
      `- warm start: from ${r.warmStartFrom}, ${String(r.reusedRows)} of ${String(r.rows)} E0 rows reused (the rest initialised from their neighbours)`,
    ];
  return [`- warm start: none, trained ${String(r.warmStartNote ?? 'cold')}`];
}

function summarise(r: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (k === 'checks') continue;
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out.push(`${k}=${String(v)}`);
    else if (k === 'metrics' || k === 'candidate') out.push(`${k}=${JSON.stringify(v).slice(0, 120)}`);
  }
  return out.join(', ').slice(0, 400);
}

export function writeRefreshReport(dataDir: string, s: RunState): { markdown: string; json: string } {
  const dir = runDir(dataDir, s.runId);
  fs.mkdirSync(dir, { recursive: true });
  const markdown = path.join(dir, 'report.md');
  const json = path.join(dir, 'report.json');
  fs.writeFileSync(markdown, renderRefreshReport(s));
  fs.writeFileSync(json, `${JSON.stringify(s, null, 2)}\n`);
  return { markdown, json };
}
