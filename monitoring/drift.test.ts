// Drift on the generator's planted seasonality: December (the gift season) against the training window
// (January to October of the same year) must show drift, and the december_gifts group must carry it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../core';
import { generateShop, readSyntheticInteractions } from '../etl';
import { dataDrift, readCategories } from './dataDrift';
import { writeDriftReport } from './report';

const DAY = 86_400_000;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-drift-'));
  await generateShop(
    { out: dir, users: 1500, products: 400, interactions: 40000, months: 12, seed: 7, end: '2025-12-31' },
    { logger: createLogger('silent'), progressBar: false },
  );
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const t = (d: string) => Date.parse(`${d}T00:00:00.000Z`);

describe('data drift on a generated shop', () => {
  it('December vs the training window drifts, carried by the december_gifts categories', async () => {
    const cols = await readSyntheticInteractions(dir);
    const cats = readCategories(dir);
    const december = dataDrift(
      cols,
      cats,
      { start: t('2025-01-01'), end: t('2025-11-01') },
      { start: t('2025-12-01'), end: t('2025-12-25') },
    );
    const season = december.features.find((f) => f.feature === 'season')!;
    const gifts = season.bins.find((b) => b.label === 'december_gifts')!;
    expect(gifts.actual).toBeGreaterThan(gifts.expected * 1.5);
    const top = [...season.bins].sort((a, b) => b.contribution - a.contribution)[0];
    expect(top.label).toBe('december_gifts');
    // The gift group roughly doubles its share: flagged as a shifted bin even where the overall PSI is moderate.
    expect(season.shifted.map((b) => b.label)).toContain('december_gifts');
    expect(season.psi).toBeGreaterThan(0.03);

    // A quiet control: September against the same months has far less seasonal drift.
    const september = dataDrift(
      cols,
      cats,
      { start: t('2025-01-01'), end: t('2025-09-01') },
      { start: t('2025-09-01'), end: t('2025-09-25') },
    );
    const sGifts = september.features
      .find((f) => f.feature === 'season')!
      .bins.find((b) => b.label === 'december_gifts')!;
    expect(sGifts.actual).toBeLessThan(gifts.actual / 1.5);
    const sSeason = september.features.find((f) => f.feature === 'season')!;
    expect(sSeason.shifted.map((b) => b.label)).not.toContain('december_gifts');
    // Activity per user-week does not drift between these windows (no artefact of their lengths).
    expect(december.features.find((f) => f.feature === 'user_activity')!.psi).toBeLessThan(0.1);

    for (const f of december.features) expect(Number.isFinite(f.psi)).toBe(true);
    expect(december.latest.events).toBeGreaterThan(0);
    expect(december.latest.end).toBe(new Date(t('2025-12-01') + 24 * DAY).toISOString());

    const out = path.join(dir, 'report');
    const files = writeDriftReport(out, {
      generatedAt: 'test',
      data: december,
      embedding: null,
      recommendations: [],
      notes: [],
    });
    const md = fs.readFileSync(files.markdown, 'utf8');
    expect(md).toContain('| season |');
    expect(md).toContain('december_gifts');
    expect(fs.readFileSync(path.join(out, 'season.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  }, 120_000);
});
