// The users: demographics, signup dates, and latent tastes that depend on them. This is where the
// "demographics predict taste" structure is planted: a user's top-category preferences are a softmax of
// effects drawn per age band, gender, region, loyalty tier and signup cohort, plus individual noise; brand tier
// and price-band preferences follow spending power (age, region, loyalty).
//
// Data layout: users u are numbered in signup order (u0 is the oldest account), so "signed up by time t" is a
// prefix of ids. Per-user arrays are indexed by u; userTops/userTopWeight hold K_TOPS entries per user at
// [u*K_TOPS, (u+1)*K_TOPS), favBrands holds 2 per user.
import path from 'node:path';
import { SHOP_COLUMNS } from '../../core';
import { Rng } from './prng';
import { AliasTable, buildAliasInto, pickWeighted, sampleAliasAt } from './samplers';
import { DAY_MS, hourWeights, Window } from './seasonality';
import type { Catalog } from './catalog';
import { CsvWriter, FileStats, isoString } from './csvWriter';
import {
  AGE_BANDS,
  AGE_WEIGHTS,
  EMAIL_DOMAINS,
  GENDER_WEIGHTS,
  GENDERS,
  LOYALTY_TIERS,
  REGION_EMAIL,
  REGION_INCOME,
  REGION_WEIGHTS,
  REGIONS,
} from './vocabulary';

export const K_TOPS = 4;
/** Spending power by age band: shifts brand tier and price band. */
const AGE_INCOME = [-0.5, -0.1, 0.2, 0.35, 0.25, 0];
const GLOBAL_EMAIL_WEIGHTS = [0.45, 0.2, 0.1, 0.12, 0.05, 0.08];
const ALL_EMAIL = [...EMAIL_DOMAINS, ...REGION_EMAIL];

export interface Population {
  nUsers: number;
  signup: Float64Array;
  ageBand: Uint8Array;
  birthYear: Uint16Array;
  gender: Uint8Array;
  region: Uint8Array;
  loyalty: Uint8Array;
  email: Uint8Array;
  optIn: Uint8Array;
  /** Preferred device index (into DEVICES). */
  device: Uint8Array;
  userTops: Uint8Array;
  userTopWeight: Float32Array;
  /** Preferred brand tier 0..2 and price band 0..4. */
  tierPref: Uint8Array;
  bandPref: Uint8Array;
  favBrands: Int32Array;
  /** Mid-category multiplier by (age band, gender): midPref[(ageBand * 3 + gender) * nMid + m]. */
  midPref: Float64Array;
  /** Alias table over users by activity (sessions per unit of time). */
  userProb: Float64Array;
  userAlias: Int32Array;
  /** cumActivity[i] = total activity of users 0..i-1: the traffic the users signed up by then generate. */
  cumActivity: Float64Array;
}

export function buildPopulation(
  nUsers: number,
  seed: number,
  window: Window,
  days: Float64Array,
  c: Catalog,
): Population {
  const rng = new Rng(seed, 'users');
  const { startMs, endMs } = window;

  // Signup dates first, then sorted: ids follow signup. 72% of accounts predate the window (more of them
  // recent); the rest sign up during it following the shop's traffic and a growth trend.
  const signupDays = new Float64Array(days.length);
  for (let d = 0; d < days.length; d++) signupDays[d] = days[d] * (1 + (0.8 * d) / days.length);
  const signupDayTable = new AliasTable(signupDays);
  const signup = new Float64Array(nUsers);
  for (let u = 0; u < nUsers; u++) {
    if (rng.chance(0.72)) {
      signup[u] = startMs - 1 - Math.floor(1460 * DAY_MS * Math.pow(rng.float(), 1.4));
    } else {
      const day = startMs + signupDayTable.sample(rng) * DAY_MS;
      const hour = pickWeighted(hourWeights(day), rng);
      signup[u] = day + hour * 3_600_000 + rng.int(3_600_000);
    }
  }
  signup.sort();
  if (nUsers > 0) signup[0] = Math.min(signup[0], startMs - 1); // u0 predates the window: never empty

  const effects = new Rng(seed, 'tastes');
  const nTop = c.nTop;
  const table = (rows: number, sd: number) => {
    const t = new Float64Array(rows * nTop);
    for (let i = 0; i < t.length; i++) t[i] = sd * effects.normal();
    return t;
  };
  const ageTop = table(AGE_BANDS.length, 1.1);
  const genderTop = table(GENDERS.length, 0.9);
  const regionTop = table(REGIONS.length, 0.6);
  const loyaltyTop = table(LOYALTY_TIERS.length, 0.3);
  const cohortTop = table(16, 0.45);
  let massSum = 0;
  for (let t = 0; t < nTop; t++) massSum += c.topMass[t];
  const baseTop = new Float64Array(nTop);
  for (let t = 0; t < nTop; t++) baseTop[t] = c.topMass[t] > 0 ? Math.log(c.topMass[t] / massSum) : -Infinity;
  const midPref = new Float64Array(AGE_BANDS.length * GENDERS.length * c.nMid);
  const ageMid = Array.from({ length: AGE_BANDS.length * c.nMid }, () => 0.6 * effects.normal());
  const genderMid = Array.from({ length: GENDERS.length * c.nMid }, () => 0.5 * effects.normal());
  for (let a = 0; a < AGE_BANDS.length; a++)
    for (let g = 0; g < GENDERS.length; g++)
      for (let m = 0; m < c.nMid; m++)
        midPref[(a * 3 + g) * c.nMid + m] = Math.exp(ageMid[a * c.nMid + m] + genderMid[g * c.nMid + m]);

  const ageBand = new Uint8Array(nUsers);
  const birthYear = new Uint16Array(nUsers);
  const gender = new Uint8Array(nUsers);
  const region = new Uint8Array(nUsers);
  const loyalty = new Uint8Array(nUsers);
  const email = new Uint8Array(nUsers);
  const optIn = new Uint8Array(nUsers);
  const device = new Uint8Array(nUsers);
  const userTops = new Uint8Array(nUsers * K_TOPS);
  const userTopWeight = new Float32Array(nUsers * K_TOPS);
  const tierPref = new Uint8Array(nUsers);
  const bandPref = new Uint8Array(nUsers);
  const favBrands = new Int32Array(nUsers * 2);
  const activity = new Float64Array(nUsers);
  const endYear = new Date(endMs).getUTCFullYear();
  const logits = new Float64Array(nTop);
  const ageTable = new AliasTable(AGE_WEIGHTS);
  const genderTable = new AliasTable(GENDER_WEIGHTS);
  const regionTable = new AliasTable(REGION_WEIGHTS);
  const emailTable = new AliasTable(GLOBAL_EMAIL_WEIGHTS);

  for (let u = 0; u < nUsers; u++) {
    const a = ageTable.sample(rng);
    const [lo, hi] = AGE_BANDS[a];
    ageBand[u] = a;
    birthYear[u] = endYear - (lo + rng.int(hi - lo + 1));
    const g = genderTable.sample(rng);
    gender[u] = g;
    const r = regionTable.sample(rng);
    region[u] = r;
    const lnAct = 0.75 * rng.normal();
    activity[u] = Math.exp(lnAct);
    const tenureYears = (endMs - signup[u]) / (365 * DAY_MS);
    const score = lnAct + 0.45 * tenureYears + 0.5 * rng.normal();
    const loy = score < 1.0 ? 0 : score < 1.8 ? 1 : score < 2.5 ? 2 : 3;
    loyalty[u] = loy;
    email[u] = rng.chance(1 / 3) ? EMAIL_DOMAINS.length + r : emailTable.sample(rng);
    optIn[u] = rng.chance(0.45 + 0.1 * loy) ? 1 : 0;
    device[u] = rng.chance(0.72 - 0.07 * a) ? 0 : rng.chance(0.78) ? 1 : 2;

    const cohort = Math.min(15, Math.floor((endMs - signup[u]) / (91 * DAY_MS)));
    for (let t = 0; t < nTop; t++) {
      logits[t] =
        baseTop[t] +
        ageTop[a * nTop + t] +
        genderTop[g * nTop + t] +
        regionTop[r * nTop + t] +
        loyaltyTop[loy * nTop + t] +
        cohortTop[cohort * nTop + t] +
        0.8 * rng.normal();
    }
    // Keep the K best tops (selection by repeated max: K is tiny), weights exp(logit - best).
    let best = -Infinity;
    for (let k = 0; k < K_TOPS; k++) {
      let arg = 0;
      for (let t = 1; t < nTop; t++) if (logits[t] > logits[arg]) arg = t;
      if (k === 0) best = logits[arg];
      userTops[u * K_TOPS + k] = arg;
      userTopWeight[u * K_TOPS + k] = logits[arg] === -Infinity ? 0 : Math.exp(logits[arg] - best);
      logits[arg] = -Infinity;
    }

    const spend = 0.35 * loy + AGE_INCOME[a] + REGION_INCOME[r] + 0.7 * rng.normal();
    const tier = spend < -0.35 ? 0 : spend < 0.55 ? 1 : 2;
    tierPref[u] = tier;
    bandPref[u] = Math.max(0, Math.min(4, Math.round(2 + 1.2 * spend + 0.5 * rng.normal())));
    for (let k = 0; k < 2; k++) {
      const t = userTops[u * K_TOPS + k];
      const s = c.topBrandStart[t];
      const n = c.topBrandStart[t + 1] - s;
      let b = -1;
      for (let tries = 0; tries < 5 && n > 0; tries++) {
        b = c.topBrands[s + sampleAliasAt(c.topBrandProb, c.topBrandAlias, s, n, rng)];
        const diff = Math.abs(c.brandTier[b] - tier);
        if (rng.float() < [1, 0.4, 0.1][diff]) break;
      }
      favBrands[u * 2 + k] = b;
    }
  }

  const userProb = new Float64Array(nUsers);
  const userAlias = new Int32Array(nUsers);
  buildAliasInto(activity, 0, nUsers, userProb, userAlias, 0);
  const cumActivity = new Float64Array(nUsers + 1);
  for (let u = 0; u < nUsers; u++) cumActivity[u + 1] = cumActivity[u] + activity[u];

  return {
    nUsers,
    signup,
    ageBand,
    birthYear,
    gender,
    region,
    loyalty,
    email,
    optIn,
    device,
    userTops,
    userTopWeight,
    tierPref,
    bandPref,
    favBrands,
    midPref,
    userProb,
    userAlias,
    cumActivity,
  };
}

export const USER_HEADER = SHOP_COLUMNS['users.csv'];

export async function writeUsers(pop: Population, dir: string): Promise<FileStats> {
  const w = new CsvWriter(path.join(dir, 'users.csv'), USER_HEADER);
  for (let u = 0; u < pop.nUsers; u++) {
    w.row(
      `u${u},${isoString(pop.signup[u])},${pop.birthYear[u]},${GENDERS[pop.gender[u]]},${REGIONS[pop.region[u]]},` +
        `${LOYALTY_TIERS[pop.loyalty[u]]},${ALL_EMAIL[pop.email[u]]},${pop.optIn[u] === 1}\n`,
    );
    if ((u & 0xffff) === 0xffff) await w.ready();
  }
  return w.close();
}
