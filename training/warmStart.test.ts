import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../core';
import { e0Files, writeModelDir, pointerAfterPublish, writeActivePointer } from '../model';
import { parseTrainFlags } from './flags';
import { prepareWarmStart } from './warmStart';

const V = 'lightgcn-20261129-120000-abc123';
const OLD = 'lightgcn-20261101-120000-def456';
const logger = createLogger('silent');
const nodes = [
  { type: 'user', ids: ['u1', 'u2', 'u3'] },
  { type: 'item', ids: ['p1', 'p2'] },
];

function writeVersion(dataDir: string, version: string, withE0: boolean, dims = 2) {
  const dir = writeModelDir(dataDir, version, {
    embeddings: {
      dims,
      nUsers: 2,
      nItems: 2,
      users: new Float32Array(2 * dims).fill(0.5),
      items: new Float32Array(2 * dims).fill(0.25),
    },
    ids: { users: ['u1', 'u2'], items: ['p1', 'p2'] },
    config: { model: 'lightgcn' },
    metrics: {},
    report: '# r\n',
    extra: withE0
      ? e0Files({
          model: 'lightgcn',
          layers: 3,
          dims,
          types: [
            { type: 'user', ids: ['u1', 'u2'] },
            { type: 'item', ids: ['p1', 'p2'] },
          ],
          table: Float32Array.from({ length: 4 * dims }, (_, j) => j + 1),
        })
      : {},
  });
  return dir;
}

describe('prepareWarmStart', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warm-start-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts from the active model, by id, and records what it reused', () => {
    writeVersion(dataDir, V, true);
    writeActivePointer(dataDir, pointerAfterPublish(null, { version: V, model: 'lightgcn' }));
    const w = prepareWarmStart(
      { from: 'active', onProblem: 'cold' },
      dataDir,
      { model: 'lightgcn', dims: 2, nodes },
      logger,
    );
    expect(w.record).toEqual({
      requested: 'active',
      from: V,
      reusedRows: 4,
      rows: 5,
      byType: { user: { reused: 2, total: 3 }, item: { reused: 2, total: 2 } },
    });
    expect(Array.from(w.initial!.remap.rows)).toEqual([0, 1, -1, 2, 3]);
    expect(Array.from(w.initial!.table)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('accepts a model directory', () => {
    const dir = writeVersion(dataDir, V, true);
    const w = prepareWarmStart(
      { from: dir, onProblem: 'error' },
      dataDir,
      { model: 'lightgcn', dims: 2, nodes },
      logger,
    );
    expect(w.record.from).toBe(dir);
  });

  it.each([
    ['a version without E0 (written before warm starts)', OLD, /has no E0 table \(e0\.json, e0\.bin\)/],
    ['other dims', V, /has 4 dims, but this training has 2 \(--dims\)/],
    ['no active model', 'active', /no model is active/],
    ['an unknown version', 'lightgcn-20990101-000000-aaaaaa', /model version does not exist/],
  ])('with %s: an error when asked by name, a logged cold start for the refresh', (_what, from, why) => {
    writeVersion(dataDir, OLD, false);
    writeVersion(dataDir, V, true, 4);
    const want = { model: 'lightgcn', dims: 2, nodes };
    expect(() => prepareWarmStart({ from, onProblem: 'error' }, dataDir, want, logger)).toThrow(why);
    const warn = jest.spyOn(logger, 'warn');
    const w = prepareWarmStart({ from, onProblem: 'cold' }, dataDir, want, logger);
    expect(w.initial).toBeUndefined();
    expect(w.record).toMatchObject({ requested: from, from: null, reusedRows: 0, rows: 5 });
    expect(w.record.fallback).toMatch(why);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ warmStart: from }),
      expect.stringMatching(/^warm start not possible, training cold: /),
    );
    warn.mockRestore();
  });

  it('refuses a corrupt e0.bin as CORRUPT when asked by name', () => {
    const dir = writeVersion(dataDir, V, true);
    const bin = path.join(dir, 'e0.bin');
    fs.writeFileSync(bin, fs.readFileSync(bin).subarray(0, 40));
    expect(() =>
      prepareWarmStart(
        { from: V, onProblem: 'error' },
        dataDir,
        { model: 'lightgcn', dims: 2, nodes },
        logger,
      ),
    ).toThrow(expect.objectContaining({ kind: 'CORRUPT' }));
  });

  it('refuses a table of another embedding model, and one that shares no node', () => {
    writeVersion(dataDir, V, true);
    expect(() =>
      prepareWarmStart({ from: V, onProblem: 'error' }, dataDir, { model: 'mf', dims: 2, nodes }, logger),
    ).toThrow('holds a lightgcn table, but this training is mf');
    expect(() =>
      prepareWarmStart(
        { from: V, onProblem: 'error' },
        dataDir,
        { model: 'lightgcn', dims: 2, nodes: [{ type: 'user', ids: ['x'] }] },
        logger,
      ),
    ).toThrow('shares no node id');
  });
});

describe('--warm-start', () => {
  it('is a request by name, for embedding models only', () => {
    expect(parseTrainFlags({ data: 'shop:x', model: 'ranker', warmStart: 'active' }).warmStart).toEqual({
      from: 'active',
      onProblem: 'error',
    });
    expect(parseTrainFlags({ data: 'shop:x', model: 'ranker' }).warmStart).toBeUndefined();
    expect(() => parseTrainFlags({ data: 'shop:x', model: 'pop', warmStart: 'active' })).toThrow(
      '--warm-start starts embeddings from a stored table, so it needs --model auto | lightgcn | mf | lightgcn-meta | ranker, but got: --model pop',
    );
  });

  it('goes with auto on a shop (the ranker), not on interaction files', () => {
    expect(parseTrainFlags({ data: 'neo4j', warmStart: 'active' }).warmStart).toEqual({
      from: 'active',
      onProblem: 'error',
    });
    expect(() => parseTrainFlags({ data: 'lightgcn:/d', warmStart: 'active' })).toThrow(
      '--warm-start needs an embedding model; --model auto on lightgcn: data tunes its families from scratch',
    );
  });
});
