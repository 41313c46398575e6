// The graph's vocabulary, in one place for every part that writes or reads it (etl/, events/, training/, api/):
// the event kinds and the relationship each one becomes, the property that keys a node or an event, the
// shopper segments (regions, loyalty tiers, age bands, genders) and the columns of the generated shop's CSV
// files (docs/data-format.md, docs/graph-model.md). A part that spelled any of these itself could drift from
// the others without a compiler or a test noticing; vocabulary.test.ts pins them and fails when another file
// declares its own copy.
//
// Order is meaning here: training and the model files store an event type, region, tier, age band or gender as
// its index in these lists, so entries are appended, never reordered.

/** What a shopper did, as the CSV files, the storefront's trackEvents and the stream name it. */
export const EVENT_TYPES = ['view', 'cart', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The interaction relationship types, index-aligned with EVENT_TYPES. */
export const EVENT_RELS = ['VIEWED', 'ADDED_TO_CART', 'PURCHASED'] as const;
export type EventRel = (typeof EVENT_RELS)[number];

/**
 * The relationship type for each event type. Relationship types cannot be Cypher parameters, so a statement
 * that picks one at run time interpolates it from this closed map, never from input.
 */
export const REL_FOR: Readonly<Record<EventType, EventRel>> = {
  view: 'VIEWED',
  cart: 'ADDED_TO_CART',
  purchase: 'PURCHASED',
};

/** The event type of an interaction relationship, the inverse of REL_FOR. */
export const EVENT_TYPE_FOR: Readonly<Record<EventRel, EventType>> = {
  VIEWED: 'view',
  ADDED_TO_CART: 'cart',
  PURCHASED: 'purchase',
};

/** The property every node is found by (one uniqueness constraint per label, etl/load/schema.ts). */
export const NODE_KEY = 'id';
/** The property an interaction relationship is found by: the event's idempotency key. */
export const EVENT_KEY = 'eventId';

/** Regions, as users.csv and the User's `region` property spell them (the Region node's id). */
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
export type Region = (typeof REGIONS)[number];
/** The Region node's display name. */
export const REGION_NAMES: Readonly<Record<Region, string>> = {
  nordics: 'Nordics',
  benelux: 'Benelux',
  dach: 'Germany, Austria & Switzerland',
  france: 'France',
  iberia: 'Spain & Portugal',
  italy: 'Italy',
  uk_ireland: 'UK & Ireland',
  central_east: 'Central & Eastern Europe',
};

/** Loyalty tiers, as users.csv and the User's `loyaltyTier` property spell them (the LoyaltyTier node's id). */
export const LOYALTY_TIERS = ['none', 'silver', 'gold', 'platinum'] as const;
export type LoyaltyTier = (typeof LOYALTY_TIERS)[number];
/** The LoyaltyTier node's display name. */
export const LOYALTY_TIER_NAMES: Readonly<Record<LoyaltyTier, string>> = {
  none: 'No tier',
  silver: 'Silver',
  gold: 'Gold',
  platinum: 'Platinum',
};

/** Age bands by age in whole years (the AgeBand node's id): [18,25), [25,35), ... , [65, ∞). */
export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
/** The lower age of every band after the first, so that AGE_BANDS[i] starts at AGE_BAND_EDGES[i - 1]. */
export const AGE_BAND_EDGES = [25, 35, 45, 55, 65] as const;
/** The youngest age a band holds; younger shoppers have none. */
export const MIN_AGE = 18;

/** Genders, as users.csv and the User's `gender` property spell them. */
export const GENDERS = ['F', 'M', 'X'] as const;

/** The generated shop's files (docs/data-format.md), in load order: a file's references point to earlier ones. */
export const SHOP_FILES = [
  'categories.csv',
  'brands.csv',
  'products.csv',
  'users.csv',
  'sessions.csv',
  'events.csv',
] as const;
export type ShopFile = (typeof SHOP_FILES)[number];

/**
 * Each file's header, as the generator writes it and the loader requires it. The readers that cut events.csv
 * lines by position (etl/split, training/data) rely on its first six columns staying where they are.
 */
export const SHOP_COLUMNS: Readonly<Record<ShopFile, readonly string[]>> = {
  'categories.csv': ['category_id', 'parent_id', 'name', 'level', 'season'],
  'brands.csv': ['brand_id', 'name', 'tier'],
  'products.csv': [
    'product_id',
    'name',
    'category_id',
    'brand_id',
    'price',
    'currency',
    'description',
    'launched_at',
    'in_stock',
    'consumable',
  ],
  'users.csv': [
    'user_id',
    'signup_at',
    'birth_year',
    'gender',
    'region',
    'loyalty_tier',
    'email_domain',
    'marketing_opt_in',
  ],
  'sessions.csv': ['session_id', 'user_id', 'started_at', 'ended_at', 'device', 'channel'],
  'events.csv': [
    'event_id',
    'session_id',
    'user_id',
    'product_id',
    'event_type',
    'ts',
    'seq',
    'quantity',
    'price',
  ],
};
