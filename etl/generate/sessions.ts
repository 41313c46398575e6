// The behaviour model: one session at a time, as an ordered sequence of events. A session opens on a product
// the user is drawn to (their tastes, the season, a consumable due for re-purchase, or the product they looked
// at last time), then walks: mostly substitutes in the same leaf at a similar price, then complements (sibling
// leaves and related top categories), sometimes a fresh draw. Each view may put the product in the cart; a
// session with a cart may end in a checkout that buys part of it. Rates are tuned to about
// 100 views : 9 carts : 2.5 purchases.
import type { Catalog } from './catalog';
import type { Population } from './population';
import { K_TOPS } from './population';
import { Rng } from './prng';
import { sampleAliasAt, upperBound } from './samplers';
import { DAY_MS, isBlackFridayWeekend, seasonFactor, SEASONS, Window } from './seasonality';

export const VIEW = 0;
export const CART = 1;
export const PURCHASE = 2;

/**
 * One day of output, in generation order: sessions in parallel arrays, and their events contiguously in
 * the event arrays (session i owns events [sEv[i], sEv[i] + sLen[i])). Grown by doubling, reused every day.
 */
export class DayBuffer {
  nSessions = 0;
  sUser = new Int32Array(1024);
  sStart = new Float64Array(1024);
  sEnd = new Float64Array(1024);
  sEv = new Int32Array(1024);
  sLen = new Int32Array(1024);
  sDevice = new Uint8Array(1024);
  sChannel = new Uint8Array(1024);
  nEvents = 0;
  eProduct = new Int32Array(8192);
  eType = new Uint8Array(8192);
  eTs = new Float64Array(8192);
  eQty = new Uint8Array(8192);
  eCents = new Int32Array(8192);

  reset(): void {
    this.nSessions = 0;
    this.nEvents = 0;
  }

  addEvent(product: number, type: number, ts: number, qty: number, cents: number): void {
    if (this.nEvents === this.eProduct.length) {
      const n = this.nEvents * 2;
      this.eProduct = grow(this.eProduct, new Int32Array(n));
      this.eType = grow(this.eType, new Uint8Array(n));
      this.eTs = grow(this.eTs, new Float64Array(n));
      this.eQty = grow(this.eQty, new Uint8Array(n));
      this.eCents = grow(this.eCents, new Int32Array(n));
    }
    const i = this.nEvents++;
    this.eProduct[i] = product;
    this.eType[i] = type;
    this.eTs[i] = ts;
    this.eQty[i] = qty;
    this.eCents[i] = cents;
  }

  addSession(
    user: number,
    start: number,
    end: number,
    ev: number,
    len: number,
    device: number,
    channel: number,
  ) {
    if (this.nSessions === this.sUser.length) {
      const n = this.nSessions * 2;
      this.sUser = grow(this.sUser, new Int32Array(n));
      this.sStart = grow(this.sStart, new Float64Array(n));
      this.sEnd = grow(this.sEnd, new Float64Array(n));
      this.sEv = grow(this.sEv, new Int32Array(n));
      this.sLen = grow(this.sLen, new Int32Array(n));
      this.sDevice = grow(this.sDevice, new Uint8Array(n));
      this.sChannel = grow(this.sChannel, new Uint8Array(n));
    }
    const i = this.nSessions++;
    this.sUser[i] = user;
    this.sStart[i] = start;
    this.sEnd[i] = end;
    this.sEv[i] = ev;
    this.sLen[i] = len;
    this.sDevice[i] = device;
    this.sChannel[i] = channel;
  }
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** How well a brand tier / price band suits a shopper, by distance from their preference. */
export const TIER_FIT = [1, 0.6, 0.3];
export const BAND_FIT = [1, 0.75, 0.45, 0.25, 0.12];
/** The share of first products drawn from the whole catalogue instead of the shopper's tastes. */
export const GLOBAL_DRAW = 0.08;

/** How well product p suits user u, in (0, 1]: favourite brand, brand tier and price band. */
export function productFit(c: Catalog, pop: Population, u: number, p: number): number {
  const b = c.prodBrand[p];
  const brand = b === pop.favBrands[u * 2] || b === pop.favBrands[u * 2 + 1] ? 1 : 0.6;
  return (
    brand *
    TIER_FIT[Math.abs(c.brandTier[b] - pop.tierPref[u])] *
    BAND_FIT[Math.abs(c.prodBand[p] - pop.bandPref[u])]
  );
}
const CHANNELS_NORMAL = [0.3, 0.28, 0.12, 0.1, 0.2];
const CHANNELS_SIGNUP = [0.1, 0.35, 0.25, 0, 0.3];
const MAX_CART = 64;

export class SessionSimulator {
  private readonly rng: Rng;
  /** Per user, across sessions: the last product viewed, and the last consumable bought (and on which day). */
  private readonly lastViewed: Int32Array;
  private readonly lastConsumable: Int32Array;
  private readonly lastConsumableDay: Int32Array;
  private readonly topFactor: Float64Array;
  private readonly midFactor: Float64Array;
  private readonly midWeight = new Float64Array(16);
  private readonly cartProduct = new Int32Array(MAX_CART);
  private readonly cartQty = new Uint8Array(MAX_CART);
  private readonly cartCents = new Int32Array(MAX_CART);
  private day = 0;
  private launchedAtDayStart = 1;
  private saleDay = false;

  constructor(
    private readonly c: Catalog,
    private readonly pop: Population,
    private readonly window: Window,
    seed: number,
  ) {
    this.rng = new Rng(seed, 'sessions');
    this.lastViewed = new Int32Array(pop.nUsers).fill(-1);
    this.lastConsumable = new Int32Array(pop.nUsers).fill(-1);
    this.lastConsumableDay = new Int32Array(pop.nUsers);
    this.topFactor = new Float64Array(c.nTop);
    this.midFactor = new Float64Array(c.nMid);
  }

  /** Set the seasonal factors of day `d` of the window. */
  beginDay(d: number): void {
    const dayMs = this.window.startMs + d * DAY_MS;
    this.day = d;
    for (let t = 0; t < this.c.nTop; t++)
      this.topFactor[t] = seasonFactor(SEASONS[this.c.topSeason[t]], dayMs);
    // A mid with the same season as its top is already lifted by the top's factor; only its own season counts.
    for (let m = 0; m < this.c.nMid; m++) {
      const top = this.c.midTop[m];
      this.midFactor[m] = seasonFactor(SEASONS[this.c.midSeason[m]], dayMs) / this.topFactor[top];
    }
    this.launchedAtDayStart = Math.max(1, upperBound(this.c.prodLaunch, dayMs));
    this.saleDay = isBlackFridayWeekend(dayMs);
  }

  private fit(u: number, p: number): number {
    return productFit(this.c, this.pop, u, p);
  }

  /**
   * A product of leaf l for user u, launched by time t: popularity proposes, fit accepts (rejection sampling,
   * so the draw follows popularity x fit). With refCents > 0 the price must also be close (a substitute).
   * Returns -1 when the leaf has nothing launched yet.
   */
  private productInLeaf(u: number, l: number, t: number, refCents: number): number {
    const c = this.c;
    const s = c.leafProdStart[l];
    const n = c.leafProdStart[l + 1] - s;
    if (n === 0) return -1;
    let best = -1;
    let bestFit = -1;
    for (let tries = 0; tries < 10; tries++) {
      const p = c.leafProducts[s + sampleAliasAt(c.leafProdProb, c.leafProdAlias, s, n, this.rng)];
      if (c.prodLaunch[p] > t) continue;
      let f = this.fit(u, p);
      if (refCents > 0) {
        const r = Math.log(c.prodCents[p] / refCents);
        f *= Math.exp(-2 * r * r);
      }
      if (this.rng.float() < f) return p;
      if (f > bestFit) {
        bestFit = f;
        best = p;
      }
    }
    return best;
  }

  /** A leaf drawn from the user's tastes and the season (8% of the time from the whole shop instead). */
  private leafForUser(u: number): number {
    const c = this.c;
    const pop = this.pop;
    const rng = this.rng;
    let top = -1;
    if (rng.float() >= GLOBAL_DRAW) {
      let sum = 0;
      for (let k = 0; k < K_TOPS; k++)
        sum += pop.userTopWeight[u * K_TOPS + k] * this.topFactor[pop.userTops[u * K_TOPS + k]];
      let x = rng.float() * sum;
      for (let k = 0; k < K_TOPS && sum > 0; k++) {
        const t = pop.userTops[u * K_TOPS + k];
        x -= pop.userTopWeight[u * K_TOPS + k] * this.topFactor[t];
        if (x < 0 || k === K_TOPS - 1) {
          top = t;
          break;
        }
      }
    }
    if (top < 0 || c.topMass[top] === 0) top = c.topTable.sample(rng);
    const m0 = c.midStart[top];
    const nm = c.midStart[top + 1] - m0;
    const prefRow = (pop.ageBand[u] * 3 + pop.gender[u]) * c.nMid;
    let sum = 0;
    for (let j = 0; j < nm; j++) {
      const m = m0 + j;
      this.midWeight[j] = c.midMass[m] * this.midFactor[m] * pop.midPref[prefRow + m];
      sum += this.midWeight[j];
    }
    let x = rng.float() * sum;
    let m = m0 + nm - 1;
    for (let j = 0; j < nm; j++) {
      x -= this.midWeight[j];
      if (x < 0) {
        m = m0 + j;
        break;
      }
    }
    const ls = c.leafStart[m];
    return ls + sampleAliasAt(c.midLeafProb, c.midLeafAlias, ls, c.leafStart[m + 1] - ls, rng);
  }

  private freshProduct(u: number, t: number): number {
    for (let tries = 0; tries < 3; tries++) {
      const p = this.productInLeaf(u, this.leafForUser(u), t, 0);
      if (p >= 0) return p;
    }
    // Rare (tiny shops, or a taste for a leaf whose products are all still to come): anything on sale.
    return this.rng.int(this.launchedAtDayStart);
  }

  private priceAt(p: number): number {
    const cents = this.c.prodCents[p];
    return this.saleDay && p % 5 < 2 ? Math.max(1, Math.round(cents * 0.8)) : cents;
  }

  private quantity(p: number): number {
    const rng = this.rng;
    if (this.c.prodConsumable[p] === 1) return 1 + (rng.chance(0.35) ? 1 : 0) + (rng.chance(0.15) ? 1 : 0);
    return rng.chance(0.05) ? 2 : 1;
  }

  /**
   * Simulate one session of user u starting at t0 and append it to `buf`, with at most `maxEvents` events
   * (the day's budget: the last session of a day may be cut short). Returns the number of events written.
   */
  simulate(u: number, t0: number, maxEvents: number, signup: boolean, buf: DayBuffer): number {
    if (maxEvents <= 0) return 0;
    const c = this.c;
    const pop = this.pop;
    const rng = this.rng;
    const end = this.window.endMs;
    const device = rng.chance(0.8) ? pop.device[u] : rng.int(3);
    const cont = device === 1 ? 0.76 : device === 0 ? 0.68 : 0.72;
    const first = buf.nEvents;
    let n = 0;
    let t = t0 + rng.int(15_000);
    let nCart = 0;

    let repeat = false;
    let p: number;
    const lc = this.lastConsumable[u];
    if (lc >= 0 && this.day - this.lastConsumableDay[u] >= 14 && rng.chance(0.4)) {
      p = lc;
      repeat = true;
    } else if (this.lastViewed[u] >= 0 && rng.chance(0.15)) p = this.lastViewed[u];
    else p = this.freshProduct(u, t);

    for (;;) {
      buf.addEvent(p, VIEW, Math.min(t, end), 0, 0);
      if (++n >= maxEvents) break;
      const inStock = this.day < c.prodStockOutDay[p];
      const pCart = repeat ? 0.55 : 0.11 * (0.45 + this.fit(u, p));
      if (inStock && rng.float() < pCart) {
        t += 3000 + Math.floor(rng.exponential(9000));
        const qty = this.quantity(p);
        const cents = this.priceAt(p);
        buf.addEvent(p, CART, Math.min(t, end), qty, cents);
        if (nCart < MAX_CART) {
          this.cartProduct[nCart] = p;
          this.cartQty[nCart] = qty;
          this.cartCents[nCart] = cents;
          nCart++;
        }
        if (++n >= maxEvents) break;
      }
      if (rng.float() >= cont) break;
      repeat = false;
      const r = rng.float();
      let next = -1;
      if (r < 0.5) next = this.productInLeaf(u, c.prodLeaf[p], t, c.prodCents[p]);
      else if (r < 0.75) {
        const l2 = c.leafComplements[c.prodLeaf[p] * 4 + rng.int(4)];
        if (l2 >= 0) next = this.productInLeaf(u, l2, t, 0);
      }
      p = next >= 0 ? next : this.freshProduct(u, t);
      t += 5000 + Math.floor(rng.exponential(35_000));
    }
    this.lastViewed[u] = p;

    if (nCart > 0 && n < maxEvents && rng.chance(0.48)) {
      t += 20_000 + Math.floor(rng.exponential(60_000));
      for (let i = 0; i < nCart && n < maxEvents; i++) {
        if (!rng.chance(0.6)) continue;
        const q = this.cartProduct[i];
        buf.addEvent(q, PURCHASE, Math.min(t, end), this.cartQty[i], this.cartCents[i]);
        n++;
        t += 300 + rng.int(2000);
        if (c.prodConsumable[q] === 1) {
          this.lastConsumable[u] = q;
          this.lastConsumableDay[u] = this.day;
        }
      }
    }

    const weights = signup ? CHANNELS_SIGNUP : CHANNELS_NORMAL;
    let channel = 0;
    let x = rng.float();
    for (let k = 0; k < weights.length; k++) {
      x -= weights[k];
      if (x < 0) {
        channel = k;
        break;
      }
    }
    // Sale days pull shoppers in through ads and newsletters; only opted-in users get email.
    if (this.saleDay && channel === 0 && rng.chance(0.3)) channel = rng.chance(0.5) ? 4 : 3;
    if (channel === 3 && pop.optIn[u] === 0) channel = 0;
    buf.addSession(u, t0, buf.eTs[first + n - 1], first, n, device, channel);
    return n;
  }
}
