// The shopper attributes a model knows: regions, loyalty tiers and age bands, with the codes that mean "not
// given". The shop reader (training/data/shop.ts) encodes users with them; inference and the cold-user scorer
// decode requests with the same lists, so a code means one thing on both sides.

export const REGIONS = [
  'nordics',
  'benelux',
  'dach',
  'france',
  'iberia',
  'italy',
  'uk_ireland',
  'central_east',
] as const;
export const LOYALTY_TIERS = ['none', 'silver', 'gold', 'platinum'] as const;
/** A region or loyalty tier the user never gave (see ShopData.users). */
export const UNKNOWN_CODE = 255;
export const UNKNOWN_BIRTH_YEAR = 0;
/** Age bands by age at the reference year: [18,25), [25,35), ... , [65, ∞). */
export const AGE_BAND_EDGES = [25, 35, 45, 55, 65] as const;
export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;

export function ageBandOf(birthYear: number, refYear: number): number {
  const age = refYear - birthYear;
  let b = 0;
  while (b < AGE_BAND_EDGES.length && age >= AGE_BAND_EDGES[b]) b++;
  return b;
}
