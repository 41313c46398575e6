// history.bin, a model dir's snapshot of each user's latest events (training/context/history.ts):
//   "GRECUH01", u32 version 1, u32 nUsers, u32 nEvents, f64 snapshotAt (ms), then Int32 ptr[nUsers+1],
//   Int32 item[nEvents], Float64 ts[nEvents], Uint8 type[nEvents], little-endian.
// Written only for models trained on a Neo4j export (the snapshot is then exactly what the graph held when the
// export began); absent from other versions, and the API then reads history from Neo4j.
import fs from 'node:fs';
import path from 'node:path';
import { corrupt } from '../../core';
import type { UserHistory } from '../ranker/history';

const MAGIC = 'GRECUH01';
const HEAD = 32;
export const HISTORY_FILE = 'history.bin';

export function encodeHistory(h: UserHistory): Buffer {
  const n = h.ptr[h.nUsers];
  const head = Buffer.alloc(HEAD);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(1, 8);
  head.writeUInt32LE(h.nUsers, 12);
  head.writeUInt32LE(n, 16);
  head.writeDoubleLE(h.snapshotAt, 24);
  const bytes = (a: Int32Array | Float64Array | Uint8Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([
    head,
    bytes(h.ptr),
    bytes(h.item.subarray(0, n)),
    bytes(h.ts.subarray(0, n)),
    bytes(h.type.subarray(0, n)),
  ]);
}

export function decodeHistory(buf: Buffer, file: string): UserHistory {
  if (buf.length < HEAD || buf.toString('latin1', 0, 8) !== MAGIC)
    throw corrupt(`not a ${MAGIC} file: wrong magic`, { file });
  if (buf.readUInt32LE(8) !== 1) throw corrupt('format version must be 1', { file });
  const nUsers = buf.readUInt32LE(12);
  const n = buf.readUInt32LE(16);
  const snapshotAt = buf.readDoubleLE(24);
  const want = HEAD + 4 * (nUsers + 1) + 4 * n + 8 * n + n;
  if (buf.length !== want)
    throw corrupt(`history file has ${buf.length} bytes, its header needs ${want}`, { file });
  // Copies: the typed arrays must be aligned and must not pin the file's buffer.
  let at = HEAD;
  const take = <T extends Int32Array | Float64Array | Uint8Array>(
    Ctor: new (k: number) => T,
    k: number,
  ): T => {
    const out = new Ctor(k);
    new Uint8Array(out.buffer).set(buf.subarray(at, at + out.byteLength));
    at += out.byteLength;
    return out;
  };
  const ptr = take(Int32Array, nUsers + 1);
  const item = take(Int32Array, n);
  const ts = take(Float64Array, n);
  const type = take(Uint8Array, n);
  if (ptr[0] !== 0 || ptr[nUsers] !== n)
    throw corrupt('history ptr does not run from 0 to nEvents', { file });
  return { snapshotAt, nUsers, ptr, item, type, ts };
}

/** The history snapshot of a model dir, or undefined when the version has none. */
export function readHistoryFile(dir: string): UserHistory | undefined {
  const file = path.join(dir, HISTORY_FILE);
  if (!fs.existsSync(file)) return undefined;
  return decodeHistory(fs.readFileSync(file), file);
}

/** Why a snapshot does not fit a model's users and items (it would name the wrong products), or undefined. */
export function checkHistory(h: UserHistory, nUsers: number, nItems: number): string | undefined {
  if (h.nUsers !== nUsers) return `history.bin has ${h.nUsers} users, the model ${nUsers}`;
  const n = h.ptr[h.nUsers];
  for (let k = 0; k < n; k++) {
    if (h.item[k] < 0 || h.item[k] >= nItems) return `history.bin names item row ${h.item[k]} of ${nItems}`;
    if (h.type[k] > 2) return `history.bin has event type ${h.type[k]}`;
  }
  return undefined;
}
