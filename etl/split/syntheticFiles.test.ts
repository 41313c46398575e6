import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core';
import { generateShop } from '../generate';
import { buildSplitManifest } from './manifest';
import { readSyntheticInteractions } from './syntheticFiles';

describe('splitting a generated shop', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'split-shop-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every event, and finds cold users and products in the last four weeks with clean leakage checks', async () => {
    const summary = await generateShop(
      { out: dir, users: 3000, products: 800, interactions: 40000, months: 12, seed: 11, end: '2026-10-31' },
      { logger: createLogger('silent'), progressBar: false },
    );
    const data = await readSyntheticInteractions(dir);
    expect(data.n).toBe(summary.counts.events);
    const m = buildSplitManifest(data);
    expect(m.boundaries.testStart).toBe('2026-10-04T00:00:00.000Z');
    expect(m.counts.train.events + m.counts.validation.events + m.counts.test.events).toBe(40000);
    expect(m.segments.coldTestUsers.length).toBeGreaterThan(0);
    expect(m.segments.coldTestProducts.length).toBeGreaterThan(0);
    expect(m.segments.warmTestUsers).toBeGreaterThan(m.segments.coldTestUsers.length);
    expect(m.leakage.filter((c) => !c.passed)).toEqual([]);
  });

  it('names the file and line of a bad timestamp', async () => {
    const events = path.join(dir, 'events.csv');
    const lines = fs.readFileSync(events, 'utf8').split('\n');
    const f = lines[5].split(',');
    f[5] = 'yesterday';
    lines[5] = f.join(',');
    fs.writeFileSync(events, lines.join('\n'));
    await expect(readSyntheticInteractions(dir)).rejects.toThrow(
      'ts must be an ISO timestamp, but got: "yesterday"',
    );
    await expect(readSyntheticInteractions(dir)).rejects.toMatchObject({
      where: { file: events, line: 6, field: 'ts' },
    });
  });
});
