import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphrecError } from '../../core';
import { decodeEmbeddings, encodeEmbeddings } from './embeddingsFile';
import { newVersion, readModelDir, writeModelDir } from './modelDir';

const tables = {
  dims: 2,
  nUsers: 2,
  nItems: 3,
  users: Float32Array.from([1, 2, 3, 4]),
  items: Float32Array.from([0.5, -1, 7, 8, 9, 10]),
};

function failure(fn: () => unknown): GraphrecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GraphrecError) return e;
    throw e;
  }
  throw new Error('expected a GraphrecError');
}

describe('embeddings.bin', () => {
  it('round-trips', () => {
    const back = decodeEmbeddings(encodeEmbeddings(tables));
    expect(back.dims).toBe(2);
    expect(Array.from(back.items)).toEqual(Array.from(tables.items));
    expect(Array.from(back.users)).toEqual(Array.from(tables.users));
  });

  it('refuses a truncated file as CORRUPT', () => {
    const buf = encodeEmbeddings(tables);
    const e = failure(() => decodeEmbeddings(buf.subarray(0, buf.length - 4), 'x.bin'));
    expect(e.kind).toBe('CORRUPT');
    expect(e.describe()).toBe(
      'x.bin: embeddings file is truncated or padded: the header (2 dims, 2 users, 3 items) needs 72 bytes, but the file has 68',
    );
  });

  it('refuses a file with the wrong magic', () => {
    const e = failure(() => decodeEmbeddings(Buffer.from('hello world, this is not a model file'), 'x.bin'));
    expect(e.kind).toBe('CORRUPT');
    expect(e.message).toBe('not an embeddings file: the first 8 bytes must be GRECEMB1');
  });
});

describe('model directory', () => {
  it('writes atomically and reads back, and names missing versions', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grmodels-'));
    const version = newVersion('lightgcn', new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
    expect(version).toMatch(/^lightgcn-20260102-030405-[0-9a-f]{6}$/);
    const dir = writeModelDir(dataDir, version, {
      embeddings: tables,
      ids: { users: [10, 11], items: [1, 2, 3] },
      config: { model: 'lightgcn' },
      metrics: {},
      report: '# r\n',
    });
    expect(fs.readdirSync(path.dirname(dir))).toEqual([version]);
    const m = readModelDir(dataDir, version);
    expect(m.ids.users).toEqual([10, 11]);
    expect(Array.from(m.embeddings.users)).toEqual([1, 2, 3, 4]);

    const missing = failure(() => readModelDir(dataDir, 'lightgcn-20260102-030405-000000'));
    expect(missing.kind).toBe('NOT_FOUND');
    expect(missing.message).toBe('model version does not exist: lightgcn-20260102-030405-000000');
    expect(failure(() => readModelDir(dataDir, '../etc')).message).toBe(
      'a model version looks like lightgcn-YYYYMMDD-HHMMSS-abc123, but got: "../etc"',
    );

    fs.truncateSync(path.join(dir, 'embeddings.bin'), 40);
    expect(failure(() => readModelDir(dataDir, version)).kind).toBe('CORRUPT');
  });
});
