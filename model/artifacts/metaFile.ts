// The metadata-node part of a shop model dir: meta.json (MetaLayout: node types, their ids and row offsets, price
// band edges, the category tree) and meta.bin (their embeddings, in the embeddings.bin format with the meta rows
// as its "users" table and no items), both optional: models without metadata nodes have neither.
import fs from 'node:fs';
import path from 'node:path';
import { corrupt } from '../../core';
import { type MetaLayout, metaCount } from '../metaLayout';
import { encodeEmbeddings, readEmbeddingsFile } from './embeddingsFile';

export interface MetaTables {
  layout: MetaLayout;
  /** [metaCount, dims] row-major. */
  embeddings: Float32Array;
}

export function metaFiles(dims: number, meta: MetaTables): Record<string, string | Buffer> {
  return {
    'meta.json': JSON.stringify(meta.layout),
    'meta.bin': encodeEmbeddings({
      dims,
      nUsers: metaCount(meta.layout),
      nItems: 0,
      users: meta.embeddings,
      items: new Float32Array(0),
    }),
  };
}

/** The meta tables of a model dir, or undefined when it has none. Refuses a mismatched or corrupt pair. */
export function readMetaFiles(dir: string, dims: number): MetaTables | undefined {
  const jsonFile = path.join(dir, 'meta.json');
  if (!fs.existsSync(jsonFile)) return undefined;
  let layout: MetaLayout;
  try {
    layout = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as MetaLayout;
  } catch {
    throw corrupt('model artifact is not valid JSON', { file: jsonFile });
  }
  if (layout.formatVersion !== 1 || !Array.isArray(layout.types) || !Array.isArray(layout.priceEdges))
    throw corrupt('meta.json must hold formatVersion 1, types and priceEdges', { file: jsonFile });
  const binFile = path.join(dir, 'meta.bin');
  const t = readEmbeddingsFile(binFile);
  if (t.dims !== dims || t.nUsers !== metaCount(layout))
    throw corrupt(
      `meta.bin has ${t.nUsers} rows of ${t.dims} dims, but meta.json lists ${metaCount(layout)} nodes and the model has ${dims} dims`,
      { file: binFile },
    );
  return { layout, embeddings: t.users };
}
