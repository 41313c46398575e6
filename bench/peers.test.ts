import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  evaluateOnTest,
  loadDataSource,
  parseDataSource,
  tuningSplit,
  useBackend,
  type Csr,
  type Dataset,
} from '../training';
import {
  lightgcnText,
  parsePeersFlags,
  ratiosOf,
  renderTable,
  runPeersPy,
  venvPython,
  writeSplitFiles,
  type DatasetResult,
  type PeerResult,
  lightgcnNote,
} from './peers';

// Every scratch directory a test makes, removed when the file's tests end.
const scratch: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(d);
  return d;
};
afterAll(() => {
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

/** A small LightGCN directory with scattered external ids: 40 users with 3 to 9 train items out of 30. */
function fixtureDir(withValid: boolean): string {
  const dir = tmp('graphrec-peers-');
  let state = 7;
  const next = (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const train: string[] = [];
  const valid: string[] = [];
  const test: string[] = [];
  for (let u = 0; u < 40; u++) {
    const items = new Set<number>();
    const want = 5 + next(8);
    // Popular items 0..9 come up more often, so popularity has ties and a head.
    while (items.size < want) items.add(next(3) === 0 ? next(10) : next(30));
    const all = [...items].map((i) => 100 + 7 * i);
    const id = 1000 + 3 * u;
    train.push(`${id} ${all.slice(0, -2).join(' ')}`);
    if (withValid) valid.push(`${id} ${all[all.length - 2]}`);
    else train[train.length - 1] += ` ${all[all.length - 2]}`;
    test.push(`${id} ${all[all.length - 1]}`);
  }
  fs.writeFileSync(path.join(dir, 'train.txt'), `${train.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'test.txt'), `${test.join('\n')}\n`);
  if (withValid) fs.writeFileSync(path.join(dir, 'valid.txt'), `${valid.join('\n')}\n`);
  return dir;
}

const load = (dir: string): Dataset => loadDataSource(parseDataSource(`lightgcn:${dir}`));

/** Row r's items of `m`, as original dense rows: `read` was read back from files that `m` was written to. */
function rowsBack(read: Dataset, m: Csr): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let r = 0; r < m.nRows; r++) {
    const items = Array.from(m.idx.subarray(m.ptr[r], m.ptr[r + 1]), (i) => read.itemIds[i]);
    if (items.length > 0)
      out.set(
        read.userIds[r],
        items.sort((a, b) => a - b),
      );
  }
  return out;
}

function rowsOf(m: Csr): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let r = 0; r < m.nRows; r++) {
    const items = Array.from(m.idx.subarray(m.ptr[r], m.ptr[r + 1])).sort((a, b) => a - b);
    if (items.length > 0) out.set(r, items);
  }
  return out;
}

describe('the split files', () => {
  it('writes one line per user with entries, dense rows, and nothing for empty rows', () => {
    const m: Csr = {
      nRows: 3,
      nCols: 5,
      ptr: Int32Array.from([0, 2, 2, 3]),
      idx: Int32Array.from([4, 1, 0]),
    };
    expect(lightgcnText(m)).toBe('0 4 1\n2 0\n');
    expect(lightgcnText({ nRows: 1, nCols: 1, ptr: Int32Array.from([0, 0]), idx: new Int32Array(0) })).toBe(
      '',
    );
  });

  it('round-trips a valid.txt split through the LightGCN reader (fit.txt is train.txt)', () => {
    const ds = load(fixtureDir(true));
    const split = tuningSplit(ds);
    expect(split.source).toBe('valid.txt');
    const out = tmp('graphrec-peers-split-');
    writeSplitFiles(out, ds, split);
    const back = load(out);
    expect(rowsBack(back, back.train)).toEqual(rowsOf(ds.train));
    expect(rowsBack(back, back.test)).toEqual(rowsOf(ds.test));
    expect(rowsBack(back, back.valid!)).toEqual(rowsOf(ds.valid!));
    expect(fs.readFileSync(path.join(out, 'fit.txt'), 'utf8')).toBe(
      fs.readFileSync(path.join(out, 'train.txt'), 'utf8'),
    );
  });

  it('writes a carved split whose fit.txt and valid.txt partition train.txt', () => {
    const ds = load(fixtureDir(false));
    const split = tuningSplit(ds);
    expect(split.source).toBe('carved');
    const out = tmp('graphrec-peers-split-');
    writeSplitFiles(out, ds, split);
    // Read fit.txt as a train file and valid.txt as its test file: the reader checks the format and ids.
    const asPair = tmp('graphrec-peers-pair-');
    fs.copyFileSync(path.join(out, 'fit.txt'), path.join(asPair, 'train.txt'));
    fs.copyFileSync(path.join(out, 'valid.txt'), path.join(asPair, 'test.txt'));
    const back = load(asPair);
    const fit = rowsBack(back, back.train);
    const valid = rowsBack(back, back.test);
    expect(fit).toEqual(rowsOf(split.fit));
    expect(valid).toEqual(rowsOf(split.valid));
    for (const [u, items] of rowsOf(ds.train)) {
      const both = [...(fit.get(u) ?? []), ...(valid.get(u) ?? [])].sort((a, b) => a - b);
      expect(both).toEqual(items);
    }
  });
});

const peer = (r: number, n: number, t: number, fit: number, params: PeerResult['params']): PeerResult => ({
  'recall@20': r,
  'ndcg@20': n,
  timeToQualitySeconds: t,
  tuneSeconds: t - fit,
  fitSeconds: fit,
  scoreSeconds: 1,
  refit: true,
  params,
  tried: [],
  test: {},
});

describe('the table', () => {
  const peers = {
    pop: peer(0.05, 0.03, 0.01, 0.01, {}),
    itemknn: peer(0.24, 0.19, 23, 8.5, { k: 5000 }),
    als: peer(0.285, 0.2227, 193.1, 86.7, {
      factors: 256,
      regularization: 0.03,
      alpha: 40,
      iterations: 15,
      random_state: 20,
    }),
  };
  const graphrec = {
    model: 'auto',
    'recall@20': 0.3,
    'ndcg@20': 0.24497,
    timeToQualitySeconds: 96.55,
    timeBudgetMinutes: 30,
    version: 'auto-x',
    stoppedBy: null,
  };
  const d: DatasetResult = {
    name: 'citeulike',
    split: 'valid.txt',
    users: 5551,
    items: 16980,
    train: 151895,
    peers,
    graphrec,
    ratios: ratiosOf(peers, graphrec),
  };

  it('divides graphrec by each peer: NDCG@20 and time', () => {
    expect(d.ratios.als!['ndcg@20']).toBeCloseTo(1.1, 10);
    expect(d.ratios.als!.time).toBeCloseTo(0.5, 10);
    expect(ratiosOf(peers, null)).toEqual({});
    expect(ratiosOf({ pop: peer(0, 0, 0, 0, {}) }, graphrec)).toEqual({
      pop: { 'ndcg@20': null, time: null },
    });
  });

  it('renders one row per model with the chosen hyper-parameters', () => {
    expect(renderTable(d).split('\n')).toEqual([
      '### citeulike (5,551 users, 16,980 items, 151,895 train interactions; tuned on valid.txt)',
      '',
      '| model | Recall@20 | NDCG@20 | time to quality (s) | final fit (s) | graphrec / peer NDCG@20 | graphrec / peer time | chosen |',
      '|---|---|---|---|---|---|---|---|',
      '| popularity | 0.0500 | 0.0300 | 0.0 | 0.0 | 8.17 | 9655.00 | - |',
      '| item-kNN (tuned) | 0.2400 | 0.1900 | 23.0 | 8.5 | 1.29 | 4.20 | k 5000 |',
      '| implicit ALS (tuned) | 0.2850 | 0.2227 | 193.1 | 86.7 | 1.10 | 0.50 | factors 256, regularization 0.03, alpha 40, iterations 15 |',
      '| graphrec (auto) | 0.3000 | 0.2450 | 96.5 | - | 1.00 | 1.00 | budget 30 min |',
    ]);
  });

  it('leaves the ratios and the graphrec row out when graphrec was skipped', () => {
    const lines = renderTable({ ...d, split: 'carved', graphrec: null, ratios: {} }).split('\n');
    expect(lines[0]).toContain('tuned on a tenth of train carved out, then refitted on train');
    expect(lines).toHaveLength(7);
    const noRefit = {
      ...d,
      peers: { itemknn: { ...peers.itemknn, refit: false } },
      graphrec: null,
      ratios: {},
    };
    expect(renderTable(noRefit).split('\n')[4]).toBe(
      '| item-kNN (tuned) | 0.2400 | 0.1900 | 23.0 | 8.5 (in tuning) | - | - | k 5000 |',
    );
    expect(lines[6]).toBe(
      '| implicit ALS (tuned) | 0.2850 | 0.2227 | 193.1 | 86.7 | - | - | factors 256, regularization 0.03, alpha 40, iterations 15 |',
    );
  });

  it("names the LightGCN fine-tune's start, steps, validation figures and verdict in the chosen column", () => {
    const fineTune = {
      start: 'lowpass',
      startNdcg: 0.2012,
      epochs: 3,
      steps: 12,
      seconds: 40.2,
      adopted: 'no',
      bestBeforeNdcg: 0.2301,
    };
    const lightgcn = { valid: { 'ndcg@20': 0.2105, 'recall@20': 0.25 }, seconds: 41.4, fineTune };
    const row = renderTable({
      ...d,
      graphrec: { ...graphrec, choice: 'itemknn', weights: { shrink: 0 }, lightgcn },
    })
      .split('\n')
      .pop();
    expect(row).toBe(
      '| graphrec (auto) | 0.3000 | 0.2450 | 96.5 | - | 1.00 | 1.00 | itemknn: shrink 0; LightGCN from lowpass: 12 steps in 41 s, validation NDCG@20 0.2012 -> 0.2105 against 0.2301, not kept; budget 30 min |',
    );
    expect(lightgcnNote({ ...lightgcn, fineTune: { ...fineTune, adopted: 'blend' } })).toContain(
      'kept (blend)',
    );
    expect(lightgcnNote({ ...lightgcn, fineTune: { ...fineTune, skipped: 'no time' } })).toBe(
      'LightGCN fine-tune skipped (no time); ',
    );
  });
});

describe('the flags', () => {
  it('reads repeated and comma-separated data sets and the defaults', () => {
    const f = parsePeersFlags([
      '--data',
      'lightgcn:/a,lightgcn:/b',
      '--data',
      'lightgcn:/c',
      '--skip-graphrec',
    ]);
    expect(f.data).toEqual(['lightgcn:/a', 'lightgcn:/b', 'lightgcn:/c']);
    expect(f).toMatchObject({ timeBudgetMinutes: 30, model: 'auto', alsSearch: 'coordinate', json: false });
  });

  it.each([
    [[], '--data lightgcn:DIR is required (repeat it, or separate with commas)'],
    [['--data', 'shop:/x'], '--data must be lightgcn:DIR (the peers read that format), but got: "shop:/x"'],
    [
      ['--data', 'lightgcn:/x', '--time-budget', '0'],
      '--time-budget must be a positive number of minutes, but got: 0',
    ],
    [
      ['--data', 'lightgcn:/x', '--als-search', 'random'],
      '--als-search must be coordinate or grid, but got: "random"',
    ],
    [['--data', '--json'], '--data needs a value, but got: "--json"'],
    [
      ['--data', 'lightgcn:/x', '--blas-threads', '0'],
      '--blas-threads must be a positive integer, but got: "0"',
    ],
    [
      ['--data', 'lightgcn:/x', '--model', 'lightgcn', '--model', 'nope'],
      /^--model must be one of .*lightgcn, .*, but got: "nope"$/,
    ],
    [['--data', 'lightgcn:/x', '--fast'], /^unknown argument "--fast"; the flags are --data, /],
  ])('rejects %j', (argv, message) => {
    expect(() => parsePeersFlags(argv as string[])).toThrow(message);
  });
});

const python = venvPython(path.join(__dirname, '..'));
const hasVenv = fs.existsSync(python);

describe('peers.py on a tiny carved split', () => {
  // CI does not build the venv (it would download the Python packages); `npx graphrec bench peers` builds it.
  const run = hasVenv ? it : it.skip;
  // graphrec's evaluator is the reference here; the cpu backend needs no initialisation beyond this.
  beforeAll(() => useBackend('cpu'));
  run(
    hasVenv
      ? 'tunes and refits every peer, and scores popularity exactly as graphrec evaluates it'
      : 'skipped: no venv at .cache/peers-venv (the first `npx graphrec bench peers` run builds it)',
    async () => {
      const ds = load(fixtureDir(false));
      const dir = tmp('graphrec-peers-py-');
      writeSplitFiles(dir, ds, tuningSplit(ds));
      // One BLAS thread: tiny matrices, and implicit's ALS crawls when OpenBLAS's pool competes with its own.
      const out = await runPeersPy(python, dir, ds.nUsers, ds.nItems, ['--block', '7'], {
        ...process.env,
        OPENBLAS_NUM_THREADS: '1',
      });
      expect(out.data).toMatchObject({ users: ds.nUsers, items: ds.nItems, refit: true });

      // Popularity is the train degree: its metrics must match graphrec's evaluator, ties included.
      const degree = new Float32Array(ds.nItems);
      for (let e = 0; e < ds.train.ptr[ds.nUsers]; e++) degree[ds.train.idx[e]]++;
      const ours = evaluateOnTest(ds, { dims: 1, users: new Float32Array(ds.nUsers).fill(1), items: degree });
      for (const k of ['recall@10', 'recall@20', 'recall@50', 'ndcg@10', 'ndcg@20', 'ndcg@50'])
        expect(out.peers.pop!.test[k]).toBeCloseTo(ours.metrics[k], 9);

      const knn = out.peers.itemknn!;
      // K is capped at the other items: on 30 items every value in the grid is 29.
      expect(knn.tried.map((t) => t.params.k)).toEqual([ds.nItems - 1]);
      expect(knn.refit).toBe(true);
      expect(knn.timeToQualitySeconds).toBeCloseTo(knn.tuneSeconds + knn.fitSeconds, 1);

      const als = out.peers.als!;
      // Coordinate search: 5 alphas, 4 more regularizations, 2 more factor counts.
      expect(als.tried).toHaveLength(11);
      expect(Object.keys(als.params).sort()).toEqual([
        'alpha',
        'factors',
        'iterations',
        'random_state',
        'regularization',
      ]);
      const best = Math.max(...als.tried.map((t) => t.valid['ndcg@20']));
      expect(als.valid!['ndcg@20']).toBe(best);
      expect(out.threads.pools.length).toBeGreaterThan(0);
    },
  );
});
