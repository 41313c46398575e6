import { createRng } from '../../core';
import { dotAt } from './dot';
import { meanDirection, nearestItems, rowNorms, startAnnBuild, topK, type ItemTable } from './embeddingIndex';
import { buildIvfIndex, buildIvfIndexSync, searchIvf } from './ivfIndex';

// Items drawn around `clusters` random centres (with varying norms, as trained embeddings have).
function clusteredTable(nItems: number, dims: number, clusters: number, seed = 5): ItemTable {
  const rng = createRng(seed);
  const centres = Array.from({ length: clusters }, () =>
    Float32Array.from({ length: dims }, () => rng.normal()),
  );
  const items = new Float32Array(nItems * dims);
  for (let r = 0; r < nItems; r++) {
    const c = centres[rng.int(clusters)];
    const scale = 0.5 + rng.next();
    for (let d = 0; d < dims; d++) items[r * dims + d] = scale * (c[d] + 0.35 * rng.normal());
  }
  return { dims, nItems, items, norms: rowNorms(items, nItems, dims) };
}

const rowsOf = (xs: Array<{ row: number }>) => xs.map((x) => x.row);

describe('meanDirection', () => {
  it('averages the rows at unit length, so a long (popular) row does not outweigh the others', () => {
    const items = Float32Array.from([10, 0, 0, 1, 0, 0]); // row 0 norm 10, row 1 norm 1, row 2 zero
    const t: ItemTable = { dims: 2, nItems: 3, items, norms: rowNorms(items, 3, 2) };
    expect(Array.from(meanDirection(t, [0, 1])!)).toEqual([0.5, 0.5]);
    expect(Array.from(meanDirection(t, [0, 2])!)).toEqual([1, 0]);
    expect(meanDirection(t, [2])).toBeUndefined();
    expect(meanDirection(t, [])).toBeUndefined();
  });
});

describe('dotAt', () => {
  it('equals the plain dot product for dims that are and are not multiples of 8', () => {
    const rng = createRng(1);
    for (const dims of [1, 7, 8, 13, 64]) {
      const t = Float32Array.from({ length: 3 * dims }, () => rng.normal());
      const q = Float32Array.from({ length: dims }, () => rng.normal());
      let plain = 0;
      for (let d = 0; d < dims; d++) plain += t[2 * dims + d] * q[d];
      expect(dotAt(t, 2 * dims, q, dims)).toBeCloseTo(plain, 10);
    }
  });
});

describe('IVF index', () => {
  const table = clusteredTable(6000, 16, 60);
  const index = buildIvfIndexSync(table, { lists: 60 });

  it('puts every item in exactly one list, laid out contiguously with its own vector', () => {
    expect(index.listStart[index.nLists]).toBe(table.nItems);
    const seen = new Uint8Array(table.nItems);
    for (let pos = 0; pos < table.nItems; pos++) {
      const r = index.rows[pos];
      seen[r]++;
      expect(index.vectors[pos * 16 + 3]).toBe(table.items[r * 16 + 3]);
      expect(index.norms[pos]).toBe(table.norms[r]);
    }
    expect(seen.every((x) => x === 1)).toBe(true);
  });

  it('probing every list returns exactly the exact top-k, for cosine and dot', () => {
    const rng = createRng(2);
    for (let i = 0; i < 20; i++) {
      const q = table.items.slice(rng.int(table.nItems) * 16).subarray(0, 16);
      for (const metric of ['cosine', 'dot'] as const) {
        expect(rowsOf(searchIvf(index, q, 10, metric, index.nLists))).toEqual(
          rowsOf(topK(table, q, 10, metric)),
        );
      }
    }
  });

  it('finds most of the exact neighbours with a few probes on clustered data', () => {
    const rng = createRng(3);
    let hit = 0;
    for (let i = 0; i < 50; i++) {
      const self = rng.int(table.nItems);
      const q = table.items.subarray(self * 16, self * 16 + 16);
      const exact = new Set(rowsOf(topK(table, q, 20, 'cosine', (r) => r === self)));
      const got = searchIvf(index, q, 20, 'cosine', 6, (r) => r === self);
      expect(got.map((g) => g.row)).not.toContain(self);
      for (const g of got) if (exact.has(g.row)) hit++;
    }
    expect(hit / (50 * 20)).toBeGreaterThan(0.9);
  });

  it('scores results best first with the same values as the exact scan', () => {
    const q = table.items.subarray(0, 16);
    const got = searchIvf(index, q, 5, 'dot', index.nLists);
    const exact = topK(table, q, 5, 'dot');
    // The SIMD kernel sums in float32, the exact scan in float64: the same rows, scores equal to 7 digits.
    expect(got.map((g) => g.row)).toEqual(exact.map((e) => e.row));
    got.forEach((g, i) =>
      expect(Math.abs(g.score - exact[i].score)).toBeLessThan(1e-6 * Math.abs(exact[i].score)),
    );
    for (let i = 1; i < got.length; i++) expect(got[i - 1].score).toBeGreaterThanOrEqual(got[i].score);
  });

  it('searches the same without the SIMD kernel (the JavaScript fallback)', () => {
    expect(index.kernel).toBeDefined(); // Node 20 has WebAssembly SIMD
    const plain = { ...index, kernel: undefined };
    for (let i = 0; i < 20; i++) {
      const q = table.items.subarray(i * 16, (i + 1) * 16);
      for (const metric of ['cosine', 'dot'] as const)
        expect(rowsOf(searchIvf(plain, q, 10, metric, 6))).toEqual(
          rowsOf(searchIvf(index, q, 10, metric, 6)),
        );
    }
  });

  it('builds the same index in slices (async) as in one go', async () => {
    const small = clusteredTable(800, 8, 10, 9);
    const a = buildIvfIndexSync(small, { lists: 12 });
    const b = await buildIvfIndex(small, { lists: 12, sliceMs: 0 });
    expect(Array.from(b.rows)).toEqual(Array.from(a.rows));
    expect(Array.from(b.listStart)).toEqual(Array.from(a.listStart));
  });
});

describe('startAnnBuild / nearestItems', () => {
  it('attaches the index to a large table; searches use it once built', async () => {
    const t = clusteredTable(5000, 8, 40, 11);
    expect(t.ann).toBeUndefined();
    const q = t.items.subarray(0, 8);
    expect(nearestItems(t, q, 5, 'dot')).toEqual(topK(t, q, 5, 'dot')); // exact until built
    const p = startAnnBuild(t, 4);
    expect(startAnnBuild(t, 4)).toBe(p);
    await p;
    expect(t.ann?.probes).toBe(4);
    expect(nearestItems(t, q, 5, 'dot')).toEqual(searchIvf(t.ann!.index, q, 5, 'dot', 4));
  });

  it('keeps the exact scan for a small table or probes 0', async () => {
    const small = clusteredTable(500, 8, 5, 12);
    await startAnnBuild(small, 16);
    expect(small.ann).toBeUndefined();
    const big = clusteredTable(5000, 8, 40, 13);
    await startAnnBuild(big, 0);
    expect(big.ann).toBeUndefined();
  });
});
