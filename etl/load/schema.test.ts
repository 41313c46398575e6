import { SCHEMA_NAMES, SCHEMA_STATEMENTS } from './schema';

describe('the load schema', () => {
  // The names are what docs/graph-model.md and `SHOW CONSTRAINTS` quote; a loaded graph keeps them.
  it('keys every node by id and every interaction by its eventId, under stable names', () => {
    expect(SCHEMA_STATEMENTS).toContain(
      'CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE',
    );
    expect(SCHEMA_STATEMENTS.filter((s) => s.includes('eventId'))).toEqual([
      'CREATE CONSTRAINT viewed_event_id IF NOT EXISTS FOR ()-[r:VIEWED]-() REQUIRE r.eventId IS UNIQUE',
      'CREATE CONSTRAINT added_to_cart_event_id IF NOT EXISTS FOR ()-[r:ADDED_TO_CART]-() REQUIRE r.eventId IS UNIQUE',
      'CREATE CONSTRAINT purchased_event_id IF NOT EXISTS FOR ()-[r:PURCHASED]-() REQUIRE r.eventId IS UNIQUE',
    ]);
    expect(SCHEMA_NAMES.slice(0, 2)).toEqual(['user_id', 'product_id']);
  });
});
