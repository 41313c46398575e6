// embeddings.bin: a 32-byte little-endian header, then Float32 LE user rows, then item rows.
//   0  magic   "GRECEMB1" (8 bytes)
//   8  u32     format version (1)
//  12  u32     dims
//  16  u32     user count
//  20  u32     item count
//  24  u64     reserved (0)
// The loader checks the magic, the version and that the file is exactly header + 4 * dims * (users + items)
// bytes, so a truncated copy is refused as CORRUPT instead of being read as zeros.
import fs from 'node:fs';
import { corrupt, notFound } from '../../core';

export const EMBEDDINGS_MAGIC = 'GRECEMB1';
const HEADER = 32;

export interface EmbeddingTables {
  dims: number;
  nUsers: number;
  nItems: number;
  users: Float32Array;
  items: Float32Array;
}

export function encodeEmbeddings(t: EmbeddingTables): Buffer {
  const n = (t.nUsers + t.nItems) * t.dims;
  const buf = Buffer.alloc(HEADER + 4 * n);
  buf.write(EMBEDDINGS_MAGIC, 0, 'latin1');
  buf.writeUInt32LE(1, 8);
  buf.writeUInt32LE(t.dims, 12);
  buf.writeUInt32LE(t.nUsers, 16);
  buf.writeUInt32LE(t.nItems, 20);
  let at = HEADER;
  for (const table of [t.users, t.items]) {
    for (let j = 0; j < table.length; j++, at += 4) buf.writeFloatLE(table[j], at);
  }
  return buf;
}

export function decodeEmbeddings(buf: Buffer, file = 'embeddings.bin'): EmbeddingTables {
  if (buf.length < HEADER || buf.toString('latin1', 0, 8) !== EMBEDDINGS_MAGIC) {
    throw corrupt(`not an embeddings file: the first 8 bytes must be ${EMBEDDINGS_MAGIC}`, { file });
  }
  const version = buf.readUInt32LE(8);
  if (version !== 1) throw corrupt(`embeddings format version must be 1, but got: ${version}`, { file });
  const dims = buf.readUInt32LE(12);
  const nUsers = buf.readUInt32LE(16);
  const nItems = buf.readUInt32LE(20);
  const expected = HEADER + 4 * dims * (nUsers + nItems);
  if (buf.length !== expected) {
    throw corrupt(
      `embeddings file is truncated or padded: the header (${dims} dims, ${nUsers} users, ${nItems} items) needs ${expected} bytes, but the file has ${buf.length}`,
      { file },
    );
  }
  // Copy into aligned Float32Arrays (the Buffer's offset need not be a multiple of 4); LE on every platform.
  const read = (from: number, count: number) => {
    const out = new Float32Array(count);
    for (let j = 0; j < count; j++) out[j] = buf.readFloatLE(from + 4 * j);
    return out;
  };
  return {
    dims,
    nUsers,
    nItems,
    users: read(HEADER, nUsers * dims),
    items: read(HEADER + 4 * nUsers * dims, nItems * dims),
  };
}

export function readEmbeddingsFile(file: string): EmbeddingTables {
  if (!fs.existsSync(file)) throw notFound(`model artifact is missing: ${file}`, { file });
  return decodeEmbeddings(fs.readFileSync(file), file);
}
