// `item-item.bin`: an item-item neighbourhood (training/cf/itemItem.ts) as one little-endian buffer:
//   "GRECIIS1" (8 bytes), nItems, nnz (uint32 each), then ptr (int32 x nItems+1), idx (int32 x nnz),
//   val (float32 x nnz). Rows are the model's item rows (ids.json), each row's neighbours strongest first.
import { corrupt } from '../../core';
import type { Csr } from '../csr';

const MAGIC = 'GRECIIS1';

export function encodeItemItem(s: Csr & { val: Float32Array }): Buffer {
  const n = s.nRows;
  const nnz = s.ptr[n];
  const buf = Buffer.alloc(16 + 4 * (n + 1) + 8 * nnz);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(n, 8);
  buf.writeUInt32LE(nnz, 12);
  let at = 16;
  for (const part of [s.ptr, s.idx.subarray(0, nnz), s.val.subarray(0, nnz)]) {
    Buffer.from(part.buffer, part.byteOffset, part.byteLength).copy(buf, at);
    at += part.byteLength;
  }
  return buf;
}

export function decodeItemItem(buf: Buffer, file = 'item-item.bin'): Csr & { val: Float32Array } {
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== MAGIC)
    throw corrupt(`${file} is not an item-item file (bad magic)`);
  const n = buf.readUInt32LE(8);
  const nnz = buf.readUInt32LE(12);
  if (buf.length !== 16 + 4 * (n + 1) + 8 * nnz)
    throw corrupt(`${file} has ${buf.length} bytes, but its header says ${n} items and ${nnz} entries`);
  const copy = Uint8Array.prototype.slice.call(buf, 16).buffer;
  const ptr = new Int32Array(copy, 0, n + 1);
  const idx = new Int32Array(copy, 4 * (n + 1), nnz);
  const val = new Float32Array(copy, 4 * (n + 1 + nnz), nnz);
  if (ptr[0] !== 0 || ptr[n] !== nnz) throw corrupt(`${file}: row pointers do not cover its ${nnz} entries`);
  for (let e = 0; e < nnz; e++)
    if (idx[e] < 0 || idx[e] >= n || !Number.isFinite(val[e]))
      throw corrupt(`${file}: entry ${e} is out of range or not finite`);
  return { nRows: n, nCols: n, ptr, idx, val };
}
