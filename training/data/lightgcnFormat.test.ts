import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphrecError } from '../../core';
import { readLightgcnDir } from './lightgcnFormat';

function dir(train: string, test: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'grtrain-'));
  fs.writeFileSync(path.join(d, 'train.txt'), train);
  fs.writeFileSync(path.join(d, 'test.txt'), test);
  return d;
}

function failure(fn: () => unknown): GraphrecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GraphrecError) return e;
    throw e;
  }
  throw new Error('expected a GraphrecError');
}

describe('readLightgcnDir', () => {
  it('reads users and items into CSR rows with id maps', () => {
    const ds = readLightgcnDir(dir('10 5 7 5\n11 7\n', '10 9\n11 5\n'));
    expect(ds.nUsers).toBe(2);
    expect(Array.from(ds.userIds)).toEqual([10, 11]);
    // Items in train order, then the test-only item 9.
    expect(Array.from(ds.itemIds)).toEqual([5, 7, 9]);
    // Duplicates within a row are dropped.
    expect(Array.from(ds.train.ptr)).toEqual([0, 2, 3]);
    expect(Array.from(ds.train.idx)).toEqual([0, 1, 1]);
    expect(Array.from(ds.test.idx)).toEqual([2, 0]);
    expect(ds.dataHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses an empty training graph', () => {
    const e = failure(() => readLightgcnDir(dir('', '0 1\n')));
    expect(e.kind).toBe('VALIDATION');
    expect(e.message).toBe('the training graph is empty: train.txt has no interactions');
  });

  it('refuses a user line with no train items, naming the line', () => {
    const e = failure(() => readLightgcnDir(dir('0 1\n1\n', '0 2\n')));
    expect(e.describe()).toMatch(
      /train\.txt:2: every user line needs at least one train item, but user 1 has none$/,
    );
  });

  it('refuses a test user unknown to train', () => {
    const e = failure(() => readLightgcnDir(dir('0 1\n', '0 2\n7 1\n')));
    expect(e.describe()).toMatch(/test\.txt:2: test user 7 has no train items, so it cannot be ranked$/);
  });

  it('refuses a split with no test users', () => {
    const e = failure(() => readLightgcnDir(dir('0 1\n', '')));
    expect(e.message).toBe('the split has no test users: test.txt has no interactions');
  });

  it('refuses non-integer ids', () => {
    const e = failure(() => readLightgcnDir(dir('0 1 x2\n', '0 1\n')));
    expect(e.describe()).toMatch(/train\.txt:1: ids must be non-negative integers, but got: "x2"$/);
  });

  it('names a missing file', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'grtrain-'));
    const e = failure(() => readLightgcnDir(d));
    expect(e.kind).toBe('NOT_FOUND');
    expect(e.message).toBe('the lightgcn data directory must contain train.txt');
  });

  it('reads valid.txt where present, on the same rows, and hashes it with the rest', () => {
    const d = dir('10 5 7\n11 7\n', '10 9\n11 5\n');
    const without = readLightgcnDir(d).dataHash;
    fs.writeFileSync(path.join(d, 'valid.txt'), '11 8\n');
    const ds = readLightgcnDir(d);
    expect(ds.valid).toBeDefined();
    const u = Array.from(ds.userIds).indexOf(11);
    const items = Array.from(ds.valid!.idx.subarray(ds.valid!.ptr[u], ds.valid!.ptr[u + 1]));
    expect(items.map((i) => ds.itemIds[i])).toEqual([8]);
    expect(ds.files.map((f) => path.basename(f))).toEqual(['train.txt', 'valid.txt', 'test.txt']);
    expect(ds.dataHash).not.toBe(without);
  });

  it('refuses a validation item that is also a test item, naming its line', () => {
    const d = dir('10 5\n11 7\n', '10 9\n11 5\n');
    fs.writeFileSync(path.join(d, 'valid.txt'), '10 6\n11 5\n');
    const e = failure(() => readLightgcnDir(d));
    expect(e.describe()).toMatch(
      /valid\.txt:2: user 11 has an item in both valid\.txt and test\.txt; a held-out item must appear in one file only$/,
    );
  });

  it('refuses a validation user without train items', () => {
    const d = dir('10 5\n', '10 9\n');
    fs.writeFileSync(path.join(d, 'valid.txt'), '12 6\n');
    expect(failure(() => readLightgcnDir(d)).describe()).toMatch(
      /valid\.txt:1: valid user 12 has no train items, so it cannot be ranked$/,
    );
  });

  it('skips blank lines', () => {
    const ds = readLightgcnDir(dir('\n10 5 7\n\n11 7\n', '10 9\n\n11 5\n'));
    expect(ds.nUsers).toBe(2);
    expect(ds.test.idx.length).toBe(2);
  });

  it('refuses an empty valid.txt', () => {
    const d = dir('10 5\n', '10 9\n');
    fs.writeFileSync(path.join(d, 'valid.txt'), '\n');
    expect(failure(() => readLightgcnDir(d)).describe()).toMatch(
      /valid\.txt: valid\.txt has no interactions: remove it to carve validation out of train$/,
    );
  });
});
