import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSplitManifest } from './manifest';
import { readSplitManifest, writeSplitManifest } from './store';

const manifest = buildSplitManifest({
  n: 2,
  ts: Float64Array.from([Date.parse('2025-02-01T00:00:00Z'), Date.parse('2025-12-30T00:00:00Z')]),
  user: Int32Array.from([0, 1]),
  product: Int32Array.from([0, 0]),
  userIds: ['u0', 'u1'],
  productIds: ['p0'],
  productLaunch: Float64Array.from([NaN]),
});

describe('split manifest store', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'split-store-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a manifest and reads it back by id and as the latest', () => {
    writeSplitManifest(dir, manifest);
    expect(readSplitManifest(dir, manifest.id)).toEqual(manifest);
    expect(readSplitManifest(dir)).toEqual(manifest);
  });

  it('says how to make one when there is none', () => {
    expect(() => readSplitManifest(dir)).toThrow(
      `no split manifest yet in ${path.join(dir, 'splits')}: run 'graphrec etl split' first`,
    );
  });

  it('refuses a malformed id and a corrupt file, naming the field', () => {
    expect(() => readSplitManifest(dir, '../etc')).toThrow('a split id is 16 hex digits, but got: "../etc"');
    const file = writeSplitManifest(dir, manifest);
    const broken = JSON.parse(fs.readFileSync(file, 'utf8'));
    broken.counts.train.events = -1;
    fs.writeFileSync(file, JSON.stringify(broken));
    expect(() => readSplitManifest(dir)).toThrow(/^split manifest field counts\.train\.events: /);
    fs.writeFileSync(file, '{"formatVersion": 1,');
    expect(() => readSplitManifest(dir)).toThrow(/^split manifest is not valid JSON/);
  });
});
