// Cold users from clearly different segments get clearly different lists when the generator says their tastes
// differ: on a small generated shop, the two (age band, gender) segments whose true expected preferences
// (tasteTruth.ts) overlap least get served lists (segment popularity, from the events) that overlap well under
// half in their top 10.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core';
import { generateShop } from '../../etl';
import { readShop, buildSegmentTable, readGenders, shopDemographics } from '../../training';
import { topItems, segmentScores } from '../../model';
import { groupAppeal, tasteTruth } from './tasteTruth';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-coldseg-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const overlap = (a: number[], b: number[]) => a.filter((x) => b.includes(x)).length / Math.max(1, a.length);

it('serves clearly different top 10s to segments the generator gives clearly different tastes', async () => {
  await generateShop(
    { out: dir, users: 6000, products: 1500, interactions: 60_000, months: 12, seed: 7, end: '2026-10-31' },
    { logger: createLogger('silent'), progressBar: false },
  );
  const shop = await readShop(dir);
  const end = shop.bounds.end + 1;
  const truth = tasteTruth(dir, shop.bounds.testStart, end);
  const demo = shopDemographics(shop, readGenders(shop));
  const table = buildSegmentTable(shop, demo, end);
  const item = new Map(shop.itemIds.map((id, i) => [Number(id.slice(1)), i]));
  const pop = truth.population;
  // The generator's top 10 per (age band, gender), in shop item indices.
  const trueTop = new Map<string, number[]>();
  for (let a = 0; a < 6; a++)
    for (let g = 0; g < 2; g++) {
      const users: number[] = [];
      for (let u = 0; u < pop.nUsers; u++) if (pop.ageBand[u] === a && pop.gender[u] === g) users.push(u);
      if (users.length < 50) continue;
      const appeal = Float32Array.from(groupAppeal(truth, users));
      trueTop.set(
        `${a}|${g}`,
        topItems(appeal, 10).map((p) => item.get(p) as number),
      );
    }
  let worst: [string, string] | undefined;
  let least = Infinity;
  for (const [x, tx] of trueTop)
    for (const [y, ty] of trueTop) {
      if (x >= y) continue;
      const o = overlap(tx, ty);
      if (o < least) [least, worst] = [o, [x, y]];
    }
  expect(worst).toBeDefined();
  expect(least).toBeLessThan(0.3); // the generator says these two differ
  const served = (key: string) => {
    const [a, g] = key.split('|').map(Number);
    return topItems(segmentScores(table, { ageBand: a, gender: g }, 100, new Float32Array(shop.nItems)), 10);
  };
  const [x, y] = worst as [string, string];
  expect(overlap(served(x), served(y))).toBeLessThan(0.5);
}, 120_000);
