import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { e0Files } from '../artifacts/e0File';
import { writeModelDir } from '../artifacts/modelDir';
import { firstNonFinite, verifyModel } from './verify';

const V = 'lightgcn-20261122-221800-a1b2c3';

function writeModel(
  dataDir: string,
  opts: { items?: Array<string | number>; nan?: boolean; dims?: number } = {},
) {
  const dims = opts.dims ?? 4;
  const items = opts.items ?? ['p1', 'p2', 'p3'];
  const itemsT = Float32Array.from({ length: items.length * dims }, (_, j) => (j % 7) / 7 - 0.3);
  if (opts.nan) itemsT[dims + 2] = Number.NaN;
  return writeModelDir(dataDir, V, {
    embeddings: {
      dims,
      nUsers: 2,
      nItems: items.length,
      users: new Float32Array(2 * dims).fill(0.5),
      items: itemsT,
    },
    ids: { users: ['u1', 'u2'], items },
    config: { model: 'lightgcn' },
    metrics: { metrics: { 'recall@20': 0.1 } },
    report: '# r\n',
  });
}

describe('verifyModel', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-verify-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('accepts a sound version and returns the product rows', () => {
    writeModel(dataDir);
    const m = verifyModel(dataDir, V);
    expect(m).toMatchObject({
      version: V,
      model: 'lightgcn',
      dims: 4,
      itemIds: ['p1', 'p2', 'p3'],
      checksummed: false,
      e0Rows: 0,
    });
    expect(m.vectors).toHaveLength(12);
  });

  it('verifies the E0 table (e0.json + e0.bin) when the version has one', () => {
    const dir = writeModel(dataDir);
    const files = e0Files({
      model: 'lightgcn',
      layers: 3,
      dims: 4,
      types: [
        { type: 'user', ids: ['u1', 'u2'] },
        { type: 'item', ids: ['p1', 'p2', 'p3'] },
      ],
      table: Float32Array.from({ length: 20 }, (_, j) => j / 10),
    });
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    expect(verifyModel(dataDir, V).e0Rows).toBe(5);
    // A flipped value in e0.bin that is not finite any more.
    const bin = fs.readFileSync(path.join(dir, 'e0.bin'));
    bin.writeFloatLE(Number.NaN, 32 + 4 * 9);
    fs.writeFileSync(path.join(dir, 'e0.bin'), bin);
    expect(() => verifyModel(dataDir, V)).toThrow(
      expect.objectContaining({
        kind: 'CORRUPT',
        message: expect.stringMatching(/^row 2, dimension 1 is NaN/),
      }),
    );
    // Half of the pair.
    fs.rmSync(path.join(dir, 'e0.bin'));
    expect(() => verifyModel(dataDir, V)).toThrow(
      expect.objectContaining({ kind: 'CORRUPT', message: expect.stringMatching(/^e0\.bin is missing/) }),
    );
    // Another model's dims.
    const other = e0Files({
      model: 'lightgcn',
      layers: 3,
      dims: 2,
      types: [{ type: 'user', ids: ['u1'] }],
      table: Float32Array.from([1, 2]),
    });
    for (const [name, content] of Object.entries(other)) fs.writeFileSync(path.join(dir, name), content);
    expect(() => verifyModel(dataDir, V)).toThrow(
      expect.objectContaining({ kind: 'CORRUPT', message: 'e0.bin has 2 dims, but embeddings.bin has 4' }),
    );
  });

  it('says NOT_FOUND for a version that does not exist', () => {
    expect(() => verifyModel(dataDir, V)).toThrow(
      expect.objectContaining({ kind: 'NOT_FOUND', message: `model version does not exist: ${V}` }),
    );
  });

  it('refuses a malformed version name', () => {
    expect(() => verifyModel(dataDir, '../etc')).toThrow(expect.objectContaining({ kind: 'VALIDATION' }));
  });

  it('refuses a truncated embeddings.bin as CORRUPT', () => {
    const dir = writeModel(dataDir);
    const bin = path.join(dir, 'embeddings.bin');
    fs.truncateSync(bin, fs.statSync(bin).size - 4);
    expect(() => verifyModel(dataDir, V)).toThrow(
      expect.objectContaining({ kind: 'CORRUPT', message: expect.stringContaining('truncated or padded') }),
    );
  });

  it('refuses a wrong magic as CORRUPT', () => {
    const dir = writeModel(dataDir);
    const bin = path.join(dir, 'embeddings.bin');
    const buf = fs.readFileSync(bin);
    buf.write('XXXXXXXX', 0, 'latin1');
    fs.writeFileSync(bin, buf);
    expect(() => verifyModel(dataDir, V)).toThrow(expect.objectContaining({ kind: 'CORRUPT' }));
  });

  it('treats a missing file inside an existing version as CORRUPT, not NOT_FOUND', () => {
    const dir = writeModel(dataDir);
    fs.rmSync(path.join(dir, 'ids.json'));
    expect(() => verifyModel(dataDir, V)).toThrow(expect.objectContaining({ kind: 'CORRUPT' }));
  });

  it('refuses NaN in the vectors, naming row and dimension', () => {
    writeModel(dataDir, { nan: true });
    expect(() => verifyModel(dataDir, V)).toThrow(
      'item row 1, dimension 2 is NaN: embeddings must be finite',
    );
  });

  it('refuses ids.json lengths that disagree with the tables', () => {
    const dir = writeModel(dataDir);
    fs.writeFileSync(
      path.join(dir, 'ids.json'),
      JSON.stringify({ users: ['u1', 'u2'], items: ['p1', 'p2'] }),
    );
    expect(() => verifyModel(dataDir, V)).toThrow(
      'ids.json has 2 users and 2 items, but embeddings.bin has 2 and 3',
    );
  });

  it('refuses repeated item ids, naming the entry', () => {
    writeModel(dataDir, { items: ['p1', 'p2', 'p1'] });
    expect(() => verifyModel(dataDir, V)).toThrow(
      expect.objectContaining({
        kind: 'CORRUPT',
        message: 'items[2] repeats the id "p1"',
        where: expect.objectContaining({ field: 'items[2]' }),
      }),
    );
  });

  it('checks checksums.json when present', () => {
    const dir = writeModel(dataDir);
    const bin = path.join(dir, 'embeddings.bin');
    const sha = createHash('sha256').update(fs.readFileSync(bin)).digest('hex');
    fs.writeFileSync(path.join(dir, 'checksums.json'), JSON.stringify({ 'embeddings.bin': sha }));
    expect(verifyModel(dataDir, V).checksummed).toBe(true);
    // Same size, one flipped byte: only the checksum can tell.
    const buf = fs.readFileSync(bin);
    buf[40] ^= 0xff;
    fs.writeFileSync(bin, buf);
    expect(() => verifyModel(dataDir, V)).toThrow(
      expect.objectContaining({
        kind: 'CORRUPT',
        message: expect.stringMatching(/^checksum mismatch: embeddings\.bin \(sha256 [0-9a-f]{64}, expected/),
      }),
    );
  });

  it('finds the first non-finite value', () => {
    expect(firstNonFinite(Float32Array.from([1, 2, 3, Infinity]), 2)).toEqual([1, 1]);
    expect(firstNonFinite(Float32Array.from([1, 2]), 2)).toBeNull();
  });
});
