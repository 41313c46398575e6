// The context part of a shop model dir, for the serving ranker:
//   transitions.bin, covisit.bin, copurchase.bin  item -> item CSR: "GRECIG01", u32 version 1, u32 nRows, u32 nnz, then
//                                 Int32 ptr[nRows+1], Int32 idx[nnz], Float32 val[nnz], little-endian
//                                 (copurchase.bin is absent from versions made before it; the API then asks Neo4j)
//   seasonal.bin                  "GRECSN01", u32 1, u32 nItems, u32 nCategories, then Float32 popularity[nItems],
//                                 trending[nItems], itemShare[nItems], seasonal[nCategories x 53], Int32 itemCategory[nItems]
//   ranker.json                   { weights: RankerWeights, newArrivals?: { slots, days }, cutoff, recentItems }
//                                 (no newArrivals: a version from before the quota, which is then off)
// Sizes are checked on load: a truncated file is refused as CORRUPT.
import fs from 'node:fs';
import path from 'node:path';
import { corrupt, notFound } from '../../core';
import { newArrivalsOf, newArrivalsOff, type NewArrivals } from '../ranker/ranker';
import { type ContextTables, type ItemGraph, WEEKS } from '../ranker/tables';

const IG = 'GRECIG01';
const SN = 'GRECSN01';

function header(magic: string, a: number, b: number): Buffer {
  const h = Buffer.alloc(20);
  h.write(magic, 0, 'latin1');
  h.writeUInt32LE(1, 8);
  h.writeUInt32LE(a, 12);
  h.writeUInt32LE(b, 16);
  return h;
}
const bytes = (a: Int32Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function encodeItemGraph(g: ItemGraph): Buffer {
  const nnz = g.ptr[g.nRows];
  return Buffer.concat([
    header(IG, g.nRows, nnz),
    bytes(g.ptr),
    bytes(g.idx.subarray(0, nnz)),
    bytes(g.val.subarray(0, nnz)),
  ]);
}

function open(buf: Buffer, magic: string, file: string): [number, number] {
  if (buf.length < 20 || buf.toString('latin1', 0, 8) !== magic)
    throw corrupt(`not a ${magic} file: wrong magic`, { file });
  if (buf.readUInt32LE(8) !== 1) throw corrupt('format version must be 1', { file });
  return [buf.readUInt32LE(12), buf.readUInt32LE(16)];
}

function copyOut<T extends Int32Array | Float32Array>(
  buf: Buffer,
  at: number,
  n: number,
  Ctor: new (n: number) => T,
): T {
  const out = new Ctor(n);
  Buffer.from(out.buffer).set(buf.subarray(at, at + 4 * n));
  return out;
}

export function decodeItemGraph(buf: Buffer, file: string): ItemGraph {
  const [nRows, nnz] = open(buf, IG, file);
  const want = 20 + 4 * (nRows + 1) + 8 * nnz;
  if (buf.length !== want)
    throw corrupt(`item graph file has ${buf.length} bytes, its header needs ${want}`, { file });
  const ptr = copyOut(buf, 20, nRows + 1, Int32Array);
  if (ptr[nRows] !== nnz) throw corrupt('item graph ptr does not end at nnz', { file });
  return {
    nRows,
    nCols: nRows,
    ptr,
    idx: copyOut(buf, 20 + 4 * (nRows + 1), nnz, Int32Array),
    val: copyOut(buf, 20 + 4 * (nRows + 1) + 4 * nnz, nnz, Float32Array),
  };
}

export function encodeSeasonal(t: ContextTables, itemCategory: Int32Array): Buffer {
  const nCat = t.seasonal.length / WEEKS;
  return Buffer.concat([
    header(SN, t.popularity.length, nCat),
    bytes(t.popularity),
    bytes(t.trending),
    bytes(t.itemShare),
    bytes(t.seasonal),
    bytes(itemCategory),
  ]);
}

export function decodeSeasonal(buf: Buffer, file: string) {
  const [nItems, nCat] = open(buf, SN, file);
  const want = 20 + 4 * (4 * nItems + nCat * WEEKS);
  if (buf.length !== want)
    throw corrupt(`seasonal file has ${buf.length} bytes, its header needs ${want}`, { file });
  let at = 20;
  const f = (n: number) => {
    const a = copyOut(buf, at, n, Float32Array);
    at += 4 * n;
    return a;
  };
  const popularity = f(nItems);
  const trending = f(nItems);
  const itemShare = f(nItems);
  const seasonal = f(nCat * WEEKS);
  const itemCategory = copyOut(buf, at, nItems, Int32Array);
  return { popularity, trending, itemShare, seasonal, itemCategory };
}

export function contextFiles(
  t: ContextTables,
  itemCategory: Int32Array,
  ranker: unknown,
): Record<string, Buffer | string> {
  return {
    'transitions.bin': encodeItemGraph(t.transitions),
    'covisit.bin': encodeItemGraph(t.covisit),
    'copurchase.bin': encodeItemGraph(t.copurchase),
    'seasonal.bin': encodeSeasonal(t, itemCategory),
    'ranker.json': `${JSON.stringify(ranker, null, 2)}\n`,
  };
}

/** The stored context tables of a model dir (undefined when the version has none). */
export function readContextFiles(dir: string) {
  const file = (n: string) => path.join(dir, n);
  if (!fs.existsSync(file('ranker.json'))) return undefined;
  const read = (n: string) => {
    if (!fs.existsSync(file(n))) throw notFound(`model artifact is missing: ${file(n)}`, { file: file(n) });
    return fs.readFileSync(file(n));
  };
  let ranker: unknown;
  try {
    ranker = JSON.parse(read('ranker.json').toString('utf8'));
  } catch {
    throw corrupt('model artifact is not valid JSON', { file: file('ranker.json') });
  }
  const s = decodeSeasonal(read('seasonal.bin'), file('seasonal.bin'));
  return {
    ranker,
    transitions: decodeItemGraph(read('transitions.bin'), file('transitions.bin')),
    covisit: decodeItemGraph(read('covisit.bin'), file('covisit.bin')),
    copurchase: fs.existsSync(file('copurchase.bin'))
      ? decodeItemGraph(read('copurchase.bin'), file('copurchase.bin'))
      : undefined,
    ...s,
  };
}

/** The new-arrivals quota of a model dir's ranker.json: off when the dir has none or it predates the quota. */
export function readNewArrivals(dir: string): NewArrivals {
  const file = path.join(dir, 'ranker.json');
  if (!fs.existsSync(file)) return newArrivalsOff;
  try {
    return newArrivalsOf(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    throw corrupt('model artifact is not valid JSON', { file });
  }
}
