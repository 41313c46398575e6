// What the cold-start segments share: the shop read and split once (as training splits it), the served version's
// stored model, and the generator's taste model of the test window. Loaded once per shop directory.
import path from 'node:path';
import { readModelDir } from '../../model';
import { readShop, type ShopData, shopSplit, type ShopSplit } from '../../training';
import type { ColdStartContext } from './report';
import { tasteTruth, type TasteTruth } from './tasteTruth';

export interface LoadedShop {
  shop: ShopData;
  split: ShopSplit;
  truth: TasteTruth;
  /** Generator index of each shop item and user (ids are `p<k>`, `u<k>`). */
  genItem: Int32Array;
  genUser: Int32Array;
}

const loaded = new Map<string, Promise<LoadedShop>>();

export function loadShop(ctx: ColdStartContext): Promise<LoadedShop> {
  let hit = loaded.get(ctx.shopDir);
  if (!hit) {
    hit = (async () => {
      const shop = await readShop(ctx.shopDir);
      const split = shopSplit(shop);
      const truth = tasteTruth(ctx.shopDir, shop.bounds.testStart, shop.bounds.end + 1);
      const gen = (ids: string[]) => Int32Array.from(ids, (id) => Number(id.slice(1)));
      return { shop, split, truth, genItem: gen(shop.itemIds), genUser: gen(shop.userIds) };
    })();
    loaded.set(ctx.shopDir, hit);
  }
  return hit;
}

/** The served version of the run (ctx.versionDir), read as `graphrec eval` reads it. */
export function storedVersion(ctx: ColdStartContext) {
  if (!ctx.versionDir) return undefined;
  const dir = path.resolve(ctx.versionDir);
  return readModelDir(path.dirname(path.dirname(dir)), path.basename(dir));
}

/** A fixed-seed sample of at most `max` users (sorted), so every method is scored on the same cases. */
export function sampleUsers(users: number[], max: number, seed = 21): Int32Array {
  let s = seed >>> 0;
  const a = [...users];
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return Int32Array.from(a.slice(0, max)).sort();
}
