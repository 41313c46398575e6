// Helpers shared by the loader's integration tests: copies of the fixture shop to break, graph counts, wiping a
// scratch graph. Only tests import this file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GraphClient } from '../../graph';
import type { Rejection } from './quarantine';

export const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'etl');

/** A fresh copy of a fixture directory in a temporary directory. */
export function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `graphrec-etl-${name}-`));
  for (const f of fs.readdirSync(path.join(FIXTURES, name)))
    fs.copyFileSync(path.join(FIXTURES, name, f), path.join(dir, f));
  return dir;
}

export function appendLines(file: string, lines: (string | Buffer)[]): number {
  const before = fs.readFileSync(file, 'utf8').split('\n').length - 1;
  for (const l of lines)
    fs.appendFileSync(file, Buffer.concat([Buffer.isBuffer(l) ? l : Buffer.from(l), Buffer.from('\n')]));
  return before + 1;
}

export function readQuarantine(file: string | null): Rejection[] {
  if (!file) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Rejection);
}

/** Nodes per label and relationships per type, EtlCheckpoint bookkeeping left out. */
export async function graphCounts(graph: GraphClient): Promise<Record<string, number>> {
  const nodes = await graph.read<{ k: string; c: number }>({
    name: 'test.counts.nodes',
    cypher: `MATCH (n) WHERE NOT n:EtlCheckpoint RETURN labels(n)[0] AS k, count(*) AS c`,
  });
  const rels = await graph.read<{ k: string; c: number }>({
    name: 'test.counts.rels',
    cypher: `MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS c`,
  });
  const out: Record<string, number> = {};
  for (const r of [...nodes, ...rels]) out[r.k] = Number(r.c);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export async function wipeGraph(graph: GraphClient): Promise<void> {
  await graph.write({ name: 'test.wipe.rels', cypher: 'MATCH ()-[r]->() DELETE r' });
  await graph.write({ name: 'test.wipe.nodes', cypher: 'MATCH (n) DELETE n' });
}

/**
 * A digest of the whole graph, for "these two loads made the same graph": every node (labels, properties with
 * their Cypher value types, so FLOAT 1.0 and INTEGER 1 differ) and every relationship (type, end ids,
 * properties), sorted. EtlCheckpoint.updatedAt, the wall-clock time of a load, is left out.
 */
export async function graphChecksum(graph: GraphClient): Promise<string> {
  const nodes = await graph.read<{ row: unknown[] }>({
    name: 'test.checksum.nodes',
    cypher: `MATCH (n) RETURN [labels(n), [k IN keys(n) WHERE NOT (n:EtlCheckpoint AND k = 'updatedAt') | [k, n[k], valueType(n[k])]]] AS row`,
  });
  const rels = await graph.read<{ row: unknown[] }>({
    name: 'test.checksum.rels',
    cypher: `MATCH (a)-[r]->(b) RETURN [type(r), a.id, b.id, [k IN keys(r) | [k, r[k], valueType(r[k])]]] AS row`,
  });
  const canonical = (rows: { row: unknown[] }[]) =>
    rows
      .map(({ row }) => {
        const [head, ...rest] = row;
        const props = (rest.pop() as [string, unknown, string][]).sort((x, y) => x[0].localeCompare(y[0]));
        return JSON.stringify([head, ...rest, props]);
      })
      .sort();
  return crypto
    .createHash('sha256')
    .update([...canonical(nodes), '--', ...canonical(rels)].join('\n'))
    .digest('hex');
}
