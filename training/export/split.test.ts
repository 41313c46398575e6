import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphrecError } from '../../core';
import { buildSplitManifest, writeSplitManifest } from '../../etl';
import { resolveSplit } from './split';

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');

function manifest() {
  return buildSplitManifest({
    n: 2,
    ts: Float64Array.from([START + DAY, START + 100 * DAY]),
    user: Int32Array.from([0, 1]),
    product: Int32Array.from([0, 0]),
    userIds: ['u0', 'u1'],
    productIds: ['p0'],
    productLaunch: Float64Array.from([START]),
    window: { start: START, end: START + 100 * DAY },
  });
}

describe('resolveSplit (abuse)', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-split-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('takes --split as a file or an id, and defaults to the latest etl split wrote', () => {
    const dataDir = tmp();
    const m = manifest();
    const file = writeSplitManifest(dataDir, m);
    expect(resolveSplit(undefined, dataDir)).toEqual({ manifest: m, file });
    expect(resolveSplit(m.id, dataDir)).toEqual({ manifest: m, file });
    expect(resolveSplit(file, tmp())).toEqual({ manifest: m, file });
  });

  it('says what is missing when there is no split at all', () => {
    const dataDir = tmp();
    let err: unknown;
    try {
      resolveSplit(undefined, dataDir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphrecError);
    expect((err as GraphrecError).kind).toBe('NOT_FOUND');
    expect((err as GraphrecError).message).toBe(
      `--data neo4j needs the split manifest that decides what training may see, and there is none: no --split ` +
        `was given and ${path.join(dataDir, 'splits', 'latest.json')} does not exist. Run 'graphrec etl split ` +
        `--source DIR' on the shop the graph was loaded from, or pass --split FILE`,
    );
  });

  it('refuses a --split file that is missing or not a manifest', () => {
    const dir = tmp();
    expect(() => resolveSplit(path.join(dir, 'nope.json'), dir)).toThrow(
      `no split manifest file ${path.join(dir, 'nope.json')}`,
    );
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"formatVersion": 2}');
    expect(() => resolveSplit(path.join(dir, 'bad.json'), dir)).toThrow(/split manifest field formatVersion/);
  });
});
