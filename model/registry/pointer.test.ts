import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  activePointerPath,
  HISTORY_LIMIT,
  planRollback,
  pointerAfterPublish,
  readActiveModel,
  writeActivePointer,
  type ActivePointer,
} from './pointer';

const A = 'lightgcn-20261120-010000-aaaaaa';
const B = 'lightgcn-20261121-010000-bbbbbb';
const C = 'lightgcn-20261122-010000-cccccc';
const at = new Date('2026-11-23T01:00:00.000Z');

describe('active pointer file', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-pointer-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('is null before the first publish', () => {
    expect(readActiveModel(dataDir)).toBeNull();
  });

  it('round-trips and leaves no temporary file behind', () => {
    const p = pointerAfterPublish(null, { version: A, model: 'lightgcn', dims: 64 }, at);
    writeActivePointer(dataDir, p);
    expect(readActiveModel(dataDir)).toEqual({
      version: A,
      publishedAt: '2026-11-23T01:00:00.000Z',
      history: [],
      model: 'lightgcn',
      dims: 64,
      action: 'publish',
      graphVersion: A,
    });
    expect(fs.readdirSync(path.dirname(activePointerPath(dataDir)))).toEqual(['active.json']);
  });

  it('refuses a pointer that is not JSON, with the file named', () => {
    fs.mkdirSync(path.dirname(activePointerPath(dataDir)), { recursive: true });
    fs.writeFileSync(activePointerPath(dataDir), '{"version": "x"');
    expect(() => readActiveModel(dataDir)).toThrow(
      expect.objectContaining({ kind: 'CORRUPT', message: 'the active-model pointer is not valid JSON' }),
    );
  });

  it('refuses a pointer without a version', () => {
    fs.mkdirSync(path.dirname(activePointerPath(dataDir)), { recursive: true });
    fs.writeFileSync(
      activePointerPath(dataDir),
      JSON.stringify({ publishedAt: at.toISOString(), history: [] }),
    );
    expect(() => readActiveModel(dataDir)).toThrow(
      '"version" must be a non-empty string, but got: undefined',
    );
  });
});

describe('pointerAfterPublish', () => {
  const cur: ActivePointer = { version: B, publishedAt: at.toISOString(), history: [A] };

  it('moves the active version to the front of the history', () => {
    expect(pointerAfterPublish(cur, { version: C }, at).history).toEqual([B, A]);
  });

  it('keeps the history when the active version is published again (a re-run)', () => {
    expect(pointerAfterPublish(cur, { version: B }, at).history).toEqual([A]);
  });

  it('does not list a version twice when an old one is published again', () => {
    expect(pointerAfterPublish(cur, { version: A }, at).history).toEqual([B]);
  });

  it(`keeps at most ${HISTORY_LIMIT} entries`, () => {
    const long = Array.from(
      { length: 30 },
      (_, i) => `lightgcn-20261101-0000${String(i).padStart(2, '0')}-aaaaaa`,
    );
    const p = pointerAfterPublish(
      { version: B, publishedAt: at.toISOString(), history: long },
      { version: C },
      at,
    );
    expect(p.history).toHaveLength(HISTORY_LIMIT);
    expect(p.history[0]).toBe(B);
  });
});

describe('planRollback', () => {
  const cur: ActivePointer = { version: C, publishedAt: at.toISOString(), history: [B, A] };

  it('restores the newest history entry and drops it from the history', () => {
    expect(planRollback(cur)).toEqual({ target: B, history: [A] });
  });

  it('restores a given history entry and forgets the newer ones', () => {
    expect(planRollback(cur, A)).toEqual({ target: A, history: [] });
  });

  it('refuses when nothing is active', () => {
    expect(planRollback(null)).toEqual({ error: 'nothing is active: there is no model to roll back from' });
  });

  it('refuses when there is no previous version', () => {
    expect(planRollback({ ...cur, history: [] })).toEqual({
      error: `${C} is active and has no previous version to roll back to`,
    });
  });

  it('refuses --to the active version or one outside the history', () => {
    expect(planRollback(cur, C)).toEqual({ error: `${C} is already the active version` });
    expect(planRollback(cur, 'lightgcn-20261101-000000-dddddd')).toEqual({
      error: `--to must be a version in the active pointer's history (${B}, ${A}), but got: lightgcn-20261101-000000-dddddd; use 'models publish' to activate any other version`,
    });
  });
});
