import { GraphrecError } from '../../core';
import type { ShopData } from '../data/shop';
import { eventShop, type EventRow } from '../testing/eventShop';
import {
  coldUserScores,
  defaultColdUserWeights,
  topItems,
  decodeSegmentTable,
  encodeSegmentTable,
  knownAttributes,
  segmentScores,
  type Demographics,
} from '../../model';
import { tuneColdUsers } from './rankerTuning';
import { buildSegmentTable } from './segmentTable';

// 40 items in two parent categories: items 0-19 under group A (leaf 2, parent 0), 20-39 under B (leaf 3,
// parent 1). Young women (age band 0, gender F) mostly view A, older men (band 4, M) mostly B; everyone also
// views the globally popular items 0 and 20 a lot.
function toyShop(): { shop: ShopData; demo: Demographics[] } {
  const ev: EventRow[] = [];
  const demo: Demographics[] = [];
  let u = 0;
  for (const [ageBand, gender, lo] of [
    [0, 0, 0],
    [4, 1, 20],
  ] as const) {
    for (let k = 0; k < 30; k++, u++) {
      demo.push({ ageBand, gender, region: k % 3, loyalty: 0 });
      for (let j = 0; j < 8; j++) ev.push([u, lo + ((k + j) % 20), 0, 100 + j]);
      ev.push([u, 20 - lo, 0, 90]); // one view of the other group's top item
    }
  }
  const shop = eventShop(ev, u, 40);
  shop.items = { category: Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 2 : 3)) } as ShopData['items'];
  shop.categoryParent = Int32Array.from([-1, -1, 0, 1]);
  return { shop, demo };
}

describe('segment popularity', () => {
  const { shop, demo } = toyShop();
  const table = buildSegmentTable(shop, demo, 1000);
  const top = (d: Demographics) => topItems(segmentScores(table, d, 5, new Float32Array(40)), 10);

  it('gives shoppers of clearly different segments clearly different lists', () => {
    const young = top({ ageBand: 0, gender: 0, region: 1 });
    const older = top({ ageBand: 4, gender: 1, region: 1 });
    expect(young.every((i) => i < 20)).toBe(true);
    expect(older.every((i) => i >= 20)).toBe(true);
    const overlap = young.filter((i) => older.includes(i)).length;
    expect(overlap).toBeLessThan(5);
  });

  it('answers unknown or out-of-range demographics with plain popularity, never an error', () => {
    const none = segmentScores(table, {}, 5, new Float32Array(40));
    const odd = segmentScores(table, { ageBand: 99, region: -1, gender: 1.5 }, 5, new Float32Array(40));
    expect(Array.from(odd)).toEqual(Array.from(none));
    // Plain popularity: the recency-weighted share of every event.
    expect(none[0]).toBeGreaterThan(none[1]);
    expect(knownAttributes({ ageBand: 99, region: 2 })).toEqual(['region']);
  });

  it('pulls a thin segment toward no lift as alpha grows', () => {
    const d = { ageBand: 0 };
    const sharp = segmentScores(table, d, 1, new Float32Array(40));
    const flat = segmentScores(table, d, 1e9, new Float32Array(40));
    const none = segmentScores(table, {}, 1, new Float32Array(40));
    expect(sharp[5] / sharp[25]).toBeGreaterThan(none[5] / none[25]);
    expect(flat[5] / flat[25]).toBeCloseTo(none[5] / none[25], 5);
  });

  it('stores and reads back segments.bin, and refuses a damaged one as CORRUPT', () => {
    const back = decodeSegmentTable(encodeSegmentTable(table));
    expect(Array.from(segmentScores(back, demo[3], 5, new Float32Array(40)))).toEqual(
      Array.from(segmentScores(table, demo[3], 5, new Float32Array(40))),
    );
    const buf = encodeSegmentTable(table);
    expect(() => decodeSegmentTable(buf.subarray(0, buf.length - 4))).toThrow(GraphrecError);
    const bad = Buffer.from(buf);
    bad.writeInt32LE(99, 20); // item 0's group out of range
    expect(() => decodeSegmentTable(bad)).toThrow(/group out of range/);
  });
});

describe('cold-user scorer', () => {
  const { shop, demo } = toyShop();
  const table = buildSegmentTable(shop, demo, 1000);
  const tables = {
    transitions: {
      nRows: 40,
      nCols: 40,
      ptr: new Int32Array(41),
      idx: new Int32Array(0),
      val: new Float32Array(0),
    },
    covisit: {
      nRows: 40,
      nCols: 40,
      ptr: new Int32Array(41),
      idx: new Int32Array(0),
      val: new Float32Array(0),
    },
    trending: Float32Array.from({ length: 40 }, (_, i) => (i === 39 ? 1 : 0)),
    seasonal: new Float32Array(4 * 53),
    itemShare: new Float32Array(40),
    itemCategory: shop.items.category,
    popularity: new Float32Array(40),
  };

  it('ranks by the segment with the default weights, and a trend weight lifts the trending item', () => {
    const d = { ageBand: 0, gender: 0 };
    const seg = topItems(segmentScores(table, d, 50, new Float32Array(40)), 5);
    const cold = topItems(
      coldUserScores(tables, table, defaultColdUserWeights, { demographics: d, at: 0 }, new Float32Array(40)),
      5,
    );
    expect(cold).toEqual(seg);
    const trend = coldUserScores(
      tables,
      table,
      { ...defaultColdUserWeights, trend: 1 },
      { demographics: d, at: 0 },
      new Float32Array(40),
    );
    expect(topItems(trend, 1)).toEqual([39]);
  });

  it('keeps the best validation objective of its coordinate search', () => {
    const r = tuneColdUsers((w) => -Math.abs(w.alpha - 1000) - w.trend, false);
    expect(r.weights.alpha).toBe(1000);
    expect(r.weights.trend).toBe(0);
    expect(r.weights.gnn).toBe(0);
  });
});
