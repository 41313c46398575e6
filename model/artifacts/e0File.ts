// The trainable layer-0 table of an embedding model (LightGCN's E0, MF's only table), which the next training can
// start from (warm start, training/lightgcn/warmStart.ts). embeddings.bin holds what serving uses (for LightGCN the
// propagated layer mean), which is not a point training can resume from; these two files are:
//   e0.json  {formatVersion: 1, model, layers, dims, types: [{type, offset, ids}]}: every node of the training
//            graph in row order (users, items, then metadata node types when the graph has them)
//   e0.bin   the rows, in the embeddings.bin format with all nodes as its "users" table and no items
// Both optional (models written before warm starts, and models without embeddings, have neither); one without
// the other, a row count or dims that disagree, or a non-finite value is CORRUPT.
import fs from 'node:fs';
import path from 'node:path';
import { corrupt } from '../../core';
import { encodeEmbeddings, readEmbeddingsFile } from './embeddingsFile';

export const E0_JSON = 'e0.json';
export const E0_BIN = 'e0.bin';

/** The node ids of a training graph, one entry per node type in row order. */
export interface NodeTypeIds {
  type: string;
  ids: ArrayLike<string | number>;
}

export interface E0Table {
  /** The embedding model that learnt it: 'lightgcn' or 'mf' (a table is only a start for the same model). */
  model: string;
  layers: number;
  dims: number;
  types: NodeTypeIds[];
  /** [rows, dims] row-major, rows in `types` order. */
  table: Float32Array;
}

export const nodeCount = (types: NodeTypeIds[]) => types.reduce((s, t) => s + t.ids.length, 0);

export function e0Files(t: E0Table): Record<string, string | Buffer> {
  const n = nodeCount(t.types);
  if (t.table.length !== n * t.dims)
    throw new Error(`E0 has ${t.table.length} values, but ${n} nodes x ${t.dims} dims need ${n * t.dims}`);
  let offset = 0;
  const types = t.types.map((x) => {
    const o = { type: x.type, offset, ids: Array.from(x.ids) };
    offset += x.ids.length;
    return o;
  });
  return {
    [E0_JSON]: JSON.stringify({ formatVersion: 1, model: t.model, layers: t.layers, dims: t.dims, types }),
    [E0_BIN]: encodeEmbeddings({
      dims: t.dims,
      nUsers: n,
      nItems: 0,
      users: t.table,
      items: new Float32Array(0),
    }),
  };
}

export const hasE0Files = (dir: string) =>
  fs.existsSync(path.join(dir, E0_JSON)) || fs.existsSync(path.join(dir, E0_BIN));

/** The E0 table of a model dir, or undefined when it has none. Refuses a mismatched, partial or corrupt pair. */
export function readE0Files(dir: string): E0Table | undefined {
  const jsonFile = path.join(dir, E0_JSON);
  const binFile = path.join(dir, E0_BIN);
  const hasJson = fs.existsSync(jsonFile);
  const hasBin = fs.existsSync(binFile);
  if (!hasJson && !hasBin) return undefined;
  if (!hasJson || !hasBin)
    throw corrupt(`${hasJson ? E0_BIN : E0_JSON} is missing: ${E0_JSON} and ${E0_BIN} come as a pair`, {
      file: hasJson ? binFile : jsonFile,
    });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  } catch {
    throw corrupt('model artifact is not valid JSON', { file: jsonFile });
  }
  const j = raw as Partial<Omit<E0Table, 'types'>> & {
    formatVersion?: number;
    types?: Array<NodeTypeIds & { offset: number }>;
  };
  if (
    j.formatVersion !== 1 ||
    typeof j.model !== 'string' ||
    typeof j.layers !== 'number' ||
    typeof j.dims !== 'number' ||
    !Array.isArray(j.types)
  )
    throw corrupt(`${E0_JSON} must hold formatVersion 1, model, layers, dims and types`, { file: jsonFile });
  let offset = 0;
  for (const [k, t] of j.types.entries()) {
    if (typeof t?.type !== 'string' || !Array.isArray(t.ids) || t.offset !== offset)
      throw corrupt(`types[${k}] must have a type, ids and offset ${offset} (the rows before it)`, {
        file: jsonFile,
        field: `types[${k}]`,
      });
    offset += t.ids.length;
  }
  const t = readEmbeddingsFile(binFile);
  if (t.dims !== j.dims || t.nUsers !== offset || t.nItems !== 0)
    throw corrupt(
      `${E0_BIN} has ${t.nUsers + t.nItems} rows of ${t.dims} dims, but ${E0_JSON} lists ${offset} nodes of ${j.dims} dims`,
      { file: binFile },
    );
  for (let k = 0; k < t.users.length; k++)
    if (!Number.isFinite(t.users[k]))
      throw corrupt(
        `row ${Math.floor(k / t.dims)}, dimension ${k % t.dims} is ${t.users[k]}: a start for training must be finite`,
        { file: binFile },
      );
  return {
    model: j.model,
    layers: j.layers,
    dims: j.dims,
    types: j.types.map((x) => ({ type: x.type, ids: x.ids })),
    table: t.users,
  };
}
