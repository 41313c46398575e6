import neo4j from 'neo4j-driver';
import { toPlain } from './values';

describe('toPlain', () => {
  it('turns exact integers into numbers and huge ones into strings', () => {
    expect(toPlain(neo4j.int(42))).toBe(42);
    expect(toPlain(neo4j.int('9223372036854775807'))).toBe('9223372036854775807');
  });

  it('renders temporals as ISO strings and walks nested structures', () => {
    const d = new neo4j.types.Date(2025, 12, 24);
    expect(toPlain({ when: d, list: [neo4j.int(1), null, 'x'], nested: { n: neo4j.int(2) } })).toEqual({
      when: '2025-12-24',
      list: [1, null, 'x'],
      nested: { n: 2 },
    });
  });

  it('renders nodes with labels and plain properties', () => {
    const node = new neo4j.types.Node(
      neo4j.int(1),
      ['Product'],
      { id: 'p1', price: 9.5, stock: neo4j.int(3) },
      'el-1',
    );
    expect(toPlain(node)).toEqual({
      elementId: 'el-1',
      labels: ['Product'],
      properties: { id: 'p1', price: 9.5, stock: 3 },
    });
  });
});
