import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  decodeSessionTables,
  encodeSessionTables,
  readSessionModel,
  SESSION_BIN,
  SESSION_JSON,
} from './files';
import { defaultSessionParams, sessionModelOf, sessionRequest, sessionTop } from './model';
import type { SessionTables } from './sessionTables';

const tables: SessionTables = {
  cutoff: Date.parse('2026-10-01T00:00:00Z'),
  nItems: 3,
  nCategories: 2,
  itemLeaf: Int32Array.from([0, 0, 1]),
  itemPrice: Float32Array.from([10, 12, 3]),
  categoryParent: Int32Array.from([-1, 0]),
  popularity: Float32Array.from([1, 2, 9]),
  transitions: {
    nRows: 3,
    nCols: 3,
    ptr: Int32Array.from([0, 1, 1, 1]),
    idx: Int32Array.from([2]),
    val: Float32Array.from([1]),
  },
  leafNext: {
    nRows: 2,
    nCols: 2,
    ptr: Int32Array.from([0, 1, 1]),
    idx: Int32Array.from([0]),
    val: Float32Array.from([1]),
  },
};

describe('session files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-files-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (bin: Buffer, params: object = defaultSessionParams, categoryIds = ['c0', 'c1']) => {
    fs.writeFileSync(path.join(dir, SESSION_BIN), bin);
    fs.writeFileSync(
      path.join(dir, SESSION_JSON),
      JSON.stringify({ formatVersion: 1, params, cutoff: '2026-10-01T00:00:00.000Z', categoryIds }),
    );
  };

  it('reads back the same tables, so the stored model ranks as the one trained', () => {
    write(encodeSessionTables(tables));
    const read = readSessionModel(dir);
    expect(read?.categoryIds).toEqual(['c0', 'c1']);
    const steps = [{ row: 0, leaf: 0, price: 10 }];
    const a = sessionModelOf(tables, defaultSessionParams);
    expect(sessionTop(read!.model, sessionRequest(read!.model, steps), 3)).toEqual(
      sessionTop(a, sessionRequest(a, steps), 3),
    );
  });

  it('a version without session files has no session model', () => {
    expect(readSessionModel(dir)).toBeUndefined();
  });

  it('refuses a truncated file, another format version and bad params as CORRUPT naming the file', () => {
    const bin = encodeSessionTables(tables);
    expect(() => decodeSessionTables(bin.subarray(0, bin.length - 3), 'session.bin', 0)).toThrow(
      expect.objectContaining({ kind: 'CORRUPT' }),
    );
    const v2 = Buffer.from(bin);
    v2.writeUInt32LE(2, 8);
    expect(() => decodeSessionTables(v2, 'session.bin', 0)).toThrow(/format 2, this build reads 1/);
    write(bin, { ...defaultSessionParams, decay: 'fast' });
    expect(() => readSessionModel(dir)).toThrow(/params.decay must be a finite number/);
    write(bin, defaultSessionParams, ['c0']);
    expect(() => readSessionModel(dir)).toThrow(/categoryIds do not match/);
  });
});
