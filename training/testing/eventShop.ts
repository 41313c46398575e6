// A ShopData holding only events, for tests of what is built from them: (user, item, type, ts) rows in file
// order, type 0 view, 1 cart, 2 purchase.
import type { ShopData } from '../data/shop';

export type EventRow = [user: number, item: number, type: number, ts: number];

export function eventShop(ev: EventRow[], nUsers: number, nItems: number): ShopData {
  return {
    nUsers,
    nItems,
    events: {
      n: ev.length,
      user: Int32Array.from(ev.map((e) => e[0])),
      item: Int32Array.from(ev.map((e) => e[1])),
      type: Uint8Array.from(ev.map((e) => e[2])),
      ts: Float64Array.from(ev.map((e) => e[3])),
    },
  } as unknown as ShopData;
}
