// The shopper attributes a model knows: regions, loyalty tiers and age bands, with the codes that mean "not
// given". The shop reader (training/data/shop.ts) encodes users with them; inference and the cold-user scorer
// decode requests with the same lists, so a code means one thing on both sides.

import { AGE_BAND_EDGES, AGE_BANDS, LOYALTY_TIERS, REGIONS } from '../core';

// The lists are the graph's vocabulary (core/vocabulary.ts); the codes below are the model's.
export { AGE_BAND_EDGES, AGE_BANDS, LOYALTY_TIERS, REGIONS };
/** A region or loyalty tier the user never gave (see ShopData.users). */
export const UNKNOWN_CODE = 255;
export const UNKNOWN_BIRTH_YEAR = 0;

export function ageBandOf(birthYear: number, refYear: number): number {
  const age = refYear - birthYear;
  let b = 0;
  while (b < AGE_BAND_EDGES.length && age >= AGE_BAND_EDGES[b]) b++;
  return b;
}
