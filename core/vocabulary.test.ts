import {
  AGE_BAND_EDGES,
  AGE_BANDS,
  EVENT_KEY,
  EVENT_RELS,
  EVENT_TYPE_FOR,
  EVENT_TYPES,
  GENDERS,
  LOYALTY_TIER_NAMES,
  LOYALTY_TIERS,
  NODE_KEY,
  REGION_NAMES,
  REGIONS,
  REL_FOR,
  SHOP_COLUMNS,
  SHOP_FILES,
} from './vocabulary';

describe('the graph vocabulary', () => {
  // Stored indexes (events.type, users.region, ...) and loaded graphs depend on these exact spellings and orders.
  it('pins the event kinds and their relationship types', () => {
    expect(EVENT_TYPES).toEqual(['view', 'cart', 'purchase']);
    expect(EVENT_RELS).toEqual(['VIEWED', 'ADDED_TO_CART', 'PURCHASED']);
    expect(EVENT_TYPES.map((t) => REL_FOR[t])).toEqual(EVENT_RELS);
    expect(EVENT_RELS.map((r) => EVENT_TYPE_FOR[r])).toEqual(EVENT_TYPES);
    expect([NODE_KEY, EVENT_KEY]).toEqual(['id', 'eventId']);
  });

  it('pins the segments, each named once', () => {
    expect(REGIONS).toEqual([
      'nordics',
      'benelux',
      'dach',
      'france',
      'iberia',
      'italy',
      'uk_ireland',
      'central_east',
    ]);
    expect(Object.keys(REGION_NAMES)).toEqual(REGIONS);
    expect(LOYALTY_TIERS).toEqual(['none', 'silver', 'gold', 'platinum']);
    expect(Object.keys(LOYALTY_TIER_NAMES)).toEqual(LOYALTY_TIERS);
    expect(AGE_BANDS).toEqual(['18-24', '25-34', '35-44', '45-54', '55-64', '65+']);
    expect(AGE_BAND_EDGES.map(String)).toEqual(AGE_BANDS.slice(1).map((b) => /^\d+/.exec(b)![0]));
    expect(GENDERS).toEqual(['F', 'M', 'X']);
  });

  it('pins the CSV headers, with the columns positional readers cut by in place', () => {
    expect(Object.keys(SHOP_COLUMNS)).toEqual(SHOP_FILES);
    expect(SHOP_COLUMNS['events.csv'].slice(0, 6)).toEqual([
      'event_id',
      'session_id',
      'user_id',
      'product_id',
      'event_type',
      'ts',
    ]);
    expect(SHOP_COLUMNS['users.csv'][0]).toBe('user_id');
    expect(SHOP_COLUMNS['products.csv'][0]).toBe('product_id');
  });
});
