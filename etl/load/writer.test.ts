import { GraphrecError } from '../../core';
import type { GraphClient } from '../../graph';
import { BatchWriter, WriteRow } from './writer';

/** A fake graph that records statements; `fail` decides per call whether the transaction throws. */
function fakeGraph(fail: (cypher: string, rows: unknown[]) => GraphrecError | undefined) {
  const committed: { cypher: string; rows: unknown[] }[] = [];
  const checkpoints: number[] = [];
  const graph = {
    async writeTx(_name: string, work: (tx: unknown) => Promise<unknown>) {
      const pending: { cypher: string; rows: unknown[] }[] = [];
      let line = 0;
      const tx = {
        async run(cypher: string, params: { rows?: unknown[]; line?: number }) {
          if (params.rows) {
            const err = fail(cypher, params.rows);
            if (err) throw err;
            pending.push({ cypher, rows: params.rows });
          } else line = params.line ?? 0;
        },
      };
      await work(tx);
      committed.push(...pending);
      checkpoints.push(line);
    },
  } as unknown as GraphClient;
  return { graph, committed, checkpoints };
}

const rows = (from: number, to: number): WriteRow[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    line: from + i,
    raw: `r${from + i}`,
    params: { id: from + i },
  }));

const opts = (graph: GraphClient, extra = {}) => ({
  graph,
  checkpointId: 'x',
  fingerprint: 'f',
  batchSize: 4,
  committedLine: 0,
  onReject: () => undefined,
  sleep: async () => undefined,
  ...extra,
});

describe('BatchWriter', () => {
  it('creates in batches and moves the checkpoint with each one', async () => {
    const g = fakeGraph(() => undefined);
    const w = new BatchWriter({ name: 't', create: 'CREATE', merge: 'MERGE' }, opts(g.graph));
    for (const r of rows(2, 11)) {
      w.seen(r.line);
      await w.push(r);
    }
    w.seen(12);
    await w.flush();
    expect(g.committed.map((c) => [c.cypher, c.rows.length])).toEqual([
      ['CREATE', 4],
      ['CREATE', 4],
      ['CREATE', 2],
    ]);
    expect(g.checkpoints).toEqual([5, 9, 12]);
    expect(w.written).toBe(10);
  });

  it('skips rows an earlier run committed', async () => {
    const g = fakeGraph(() => undefined);
    const w = new BatchWriter(
      { name: 't', create: 'CREATE', merge: 'MERGE' },
      opts(g.graph, { committedLine: 7 }),
    );
    for (const r of rows(2, 9)) await w.push(r);
    await w.flush();
    expect(w.skipped).toBe(6);
    expect(g.committed).toEqual([{ cypher: 'CREATE', rows: [{ id: 8 }, { id: 9 }] }]);
  });

  it('redoes a conflicting batch with MERGE and quarantines the one row that still conflicts', async () => {
    const conflict = new GraphrecError('CONFLICT', 'already exists');
    const g = fakeGraph((cypher, rs) =>
      cypher === 'CREATE' || (rs as { id: number }[]).some((r) => r.id === 4) ? conflict : undefined,
    );
    const rejected: number[] = [];
    const w = new BatchWriter(
      { name: 't', create: 'CREATE', merge: 'MERGE' },
      opts(g.graph, { onReject: (r: WriteRow) => rejected.push(r.line) }),
    );
    for (const r of rows(2, 5)) await w.push(r);
    await w.flush();
    expect(rejected).toEqual([4]);
    expect(g.committed.flatMap((c) => c.rows)).toEqual([{ id: 2 }, { id: 3 }, { id: 5 }]);
    expect(g.checkpoints[g.checkpoints.length - 1]).toBe(5);
    expect(w.written).toBe(3);
  });

  it('retries while Neo4j is unavailable, then gives up naming the checkpoint', async () => {
    let failures = 2;
    const g = fakeGraph(() => (failures-- > 0 ? new GraphrecError('UNAVAILABLE', 'gone') : undefined));
    const w = new BatchWriter({ name: 't', create: 'CREATE', merge: 'MERGE' }, opts(g.graph));
    for (const r of rows(2, 3)) await w.push(r);
    await w.flush();
    expect(w.retries).toBe(2);
    expect(g.committed).toHaveLength(1);

    const down = fakeGraph(() => new GraphrecError('UNAVAILABLE', 'gone'));
    const w2 = new BatchWriter(
      { name: 't', create: 'CREATE', merge: 'MERGE' },
      opts(down.graph, { retryForMs: 0 }),
    );
    await w2.push(rows(2, 2)[0]);
    await expect(w2.flush()).rejects.toThrow(
      /every batch up to the checkpoint is committed, a re-run resumes from there/,
    );
  });
});
