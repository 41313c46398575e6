// The session model's part of a ranker version, written by the nightly training and read by the API:
//   session.bin   "GRECSS01", u32 version 1, u32 nItems, u32 nCategories, then Float32 popularity[nItems],
//                 Float32 itemPrice[nItems], Int32 itemLeaf[nItems], Int32 categoryParent[nCategories], then
//                 u32 byte length + the transitions item graph, u32 byte length + the leafNext graph (both in
//                 the GRECIG01 format of model/artifacts/contextFiles.ts), little-endian
//   session.json  { formatVersion: 1, params: SessionParams, cutoff, categoryIds, validation }
// A version without them (made before the session model) serves sessions through its trained ranker as before.
// Sizes and the format version are checked on load: anything else is CORRUPT, naming the file.
import fs from 'node:fs';
import path from 'node:path';
import { corrupt } from '../../core';
import { decodeItemGraph, encodeItemGraph } from '../artifacts/contextFiles';
import { sessionModelOf, type SessionModel, type SessionParams } from './model';
import type { SessionTables } from './sessionTables';

const MAGIC = 'GRECSS01';
export const SESSION_FORMAT_VERSION = 1;
export const SESSION_BIN = 'session.bin';
export const SESSION_JSON = 'session.json';

const bytes = (a: Int32Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function encodeSessionTables(t: SessionTables): Buffer {
  const h = Buffer.alloc(20);
  h.write(MAGIC, 0, 'latin1');
  h.writeUInt32LE(SESSION_FORMAT_VERSION, 8);
  h.writeUInt32LE(t.nItems, 12);
  h.writeUInt32LE(t.nCategories, 16);
  const graph = (g: Buffer) => {
    const n = Buffer.alloc(4);
    n.writeUInt32LE(g.length, 0);
    return [n, g];
  };
  return Buffer.concat([
    h,
    bytes(t.popularity),
    bytes(t.itemPrice),
    bytes(t.itemLeaf),
    bytes(t.categoryParent),
    ...graph(encodeItemGraph(t.transitions)),
    ...graph(encodeItemGraph(t.leafNext)),
  ]);
}

export function decodeSessionTables(buf: Buffer, file: string, cutoff: number): SessionTables {
  if (buf.length < 20 || buf.toString('latin1', 0, 8) !== MAGIC)
    throw corrupt(`not a ${MAGIC} file: wrong magic`, { file });
  const version = buf.readUInt32LE(8);
  if (version !== SESSION_FORMAT_VERSION)
    throw corrupt(`session tables format ${version}, this build reads ${SESSION_FORMAT_VERSION}`, { file });
  const nItems = buf.readUInt32LE(12);
  const nCategories = buf.readUInt32LE(16);
  let at = 20;
  const take = <T extends Int32Array | Float32Array>(n: number, Ctor: new (n: number) => T): T => {
    if (at + 4 * n > buf.length) throw corrupt('session tables file is truncated', { file });
    const out = new Ctor(n);
    Buffer.from(out.buffer).set(buf.subarray(at, at + 4 * n));
    at += 4 * n;
    return out;
  };
  const popularity = take(nItems, Float32Array);
  const itemPrice = take(nItems, Float32Array);
  const itemLeaf = take(nItems, Int32Array);
  const categoryParent = take(nCategories, Int32Array);
  const graph = () => {
    if (at + 4 > buf.length) throw corrupt('session tables file is truncated', { file });
    const n = buf.readUInt32LE(at);
    at += 4;
    if (at + n > buf.length) throw corrupt('session tables file is truncated', { file });
    const g = decodeItemGraph(buf.subarray(at, at + n), file);
    at += n;
    return g;
  };
  const transitions = graph();
  const leafNext = graph();
  if (at !== buf.length) throw corrupt('session tables file has trailing bytes', { file });
  if (transitions.nRows !== nItems || leafNext.nRows !== nCategories)
    throw corrupt('session tables graphs do not fit the item and category counts', { file });
  for (let i = 0; i < nItems; i++)
    if (!(itemLeaf[i] >= 0 && itemLeaf[i] < nCategories))
      throw corrupt('session tables have an item leaf out of range', { file });
  const inRange = (idx: Int32Array, n: number) => idx.every((j) => j >= 0 && j < n);
  if (!inRange(transitions.idx, nItems) || !inRange(leafNext.idx, nCategories))
    throw corrupt('session tables have an index out of range', { file });
  return {
    cutoff,
    nItems,
    nCategories,
    itemLeaf,
    itemPrice,
    categoryParent,
    popularity,
    transitions,
    leafNext,
  };
}

/** session.json; `validation` is the tuning's report, which serving does not read. */
export interface SessionJson<V = unknown> {
  formatVersion: number;
  params: SessionParams;
  cutoff: string;
  categoryIds: string[];
  validation: V;
}

const PARAM_KEYS = ['decay', 'recent', 'item', 'leaf', 'priceWidth', 'pop'] as const;

/** The session model of a model dir, with its category ids; undefined when the version has none. */
export function readSessionModel(dir: string): { model: SessionModel; categoryIds: string[] } | undefined {
  const jsonFile = path.join(dir, SESSION_JSON);
  const binFile = path.join(dir, SESSION_BIN);
  if (!fs.existsSync(jsonFile) || !fs.existsSync(binFile)) return undefined;
  let json: SessionJson;
  try {
    json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as SessionJson;
  } catch {
    throw corrupt('model artifact is not valid JSON', { file: jsonFile });
  }
  if (json.formatVersion !== SESSION_FORMAT_VERSION)
    throw corrupt(`session.json format ${json.formatVersion}, this build reads ${SESSION_FORMAT_VERSION}`, {
      file: jsonFile,
      field: 'formatVersion',
    });
  const p = json.params as unknown as Record<string, unknown>;
  for (const k of PARAM_KEYS)
    if (typeof p?.[k] !== 'number' || !Number.isFinite(p[k]))
      throw corrupt(`session.json params.${k} must be a finite number`, {
        file: jsonFile,
        field: `params.${k}`,
      });
  const tables = decodeSessionTables(fs.readFileSync(binFile), binFile, Date.parse(json.cutoff));
  if (!Array.isArray(json.categoryIds) || json.categoryIds.length !== tables.nCategories)
    throw corrupt('session.json categoryIds do not match session.bin', {
      file: jsonFile,
      field: 'categoryIds',
    });
  return { model: sessionModelOf(tables, json.params), categoryIds: json.categoryIds };
}
