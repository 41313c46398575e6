import { coerceParam, parseHeader } from './header';
import { formatCsv, formatTable } from './format';
import { resolveParams } from './run';
import type { Report } from './catalog';

const GOOD = `// @title Top products
// @description First line
//   and a continuation.
// @param top int = 3 -- products per month
// @param segment enum(tier|region) = "tier" -- group by
// @param from string = "" -- start
// @columns a, b
MATCH (n) RETURN n LIMIT $top`;

describe('report headers', () => {
  it('parses title, a continued description, typed parameters with defaults and columns', () => {
    const h = parseHeader(GOOD, 'x.cypher');
    expect(h.title).toBe('Top products');
    expect(h.description).toBe('First line and a continuation.');
    expect(h.params).toEqual([
      { name: 'top', type: { kind: 'int' }, default: 3, description: 'products per month' },
      {
        name: 'segment',
        type: { kind: 'enum', values: ['tier', 'region'] },
        default: 'tier',
        description: 'group by',
      },
      { name: 'from', type: { kind: 'string' }, default: '', description: 'start' },
    ]);
    expect(h.columns).toEqual(['a', 'b']);
  });

  it('refuses a header it cannot trust, naming the file, the line and the rule', () => {
    expect(() => parseHeader('// @description d\nRETURN 1', 'a.cypher')).toThrow(
      'the header must have exactly one @title, but has 0',
    );
    expect(() =>
      parseHeader('// @title t\n// @description d\n// @param top int = "3"\nRETURN 1', 'b.cypher'),
    ).toThrow('the default of top must be a int, but got: "3"');
    expect(() =>
      parseHeader('// @title t\n// @description d\n// @param top = 3\nRETURN 1', 'c.cypher'),
    ).toThrow("@param must look like 'name type = default -- description'");
    expect(() => parseHeader('// @title t\n// @description d\n// @author me\nRETURN 1', 'd.cypher')).toThrow(
      'unknown header tag @author',
    );
    expect(() =>
      parseHeader('// @title t\n// @description d\n// @param s enum(a|b) = "c"\nRETURN 1', 'e.cypher'),
    ).toThrow('the default of s must be a one of a, b, but got: "c"');
  });

  it('types --param values and states the rule and the value when they do not fit', () => {
    const [top, segment] = parseHeader(GOOD, 'x.cypher').params;
    expect(coerceParam('r', top, '12')).toBe(12);
    expect(() => coerceParam('r', top, '1.5')).toThrow(
      '--param top of report r must be an integer, but got: "1.5"',
    );
    expect(coerceParam('r', segment, 'region')).toBe('region');
    expect(() => coerceParam('r', segment, 'x')).toThrow(
      '--param segment of report r must be one of tier, region, but got: "x"',
    );
  });

  it('fills defaults and refuses unknown parameter names', () => {
    const report = { ...parseHeader(GOOD, 'x.cypher'), name: 'r', file: 'x.cypher', cypher: '' } as Report;
    expect(resolveParams(report, { top: '5' })).toEqual({ top: 5, segment: 'tier', from: '' });
    expect(() => resolveParams(report, { limit: '5' })).toThrow(
      'report r has no parameter limit; its parameters are: top, segment, from',
    );
  });
});

describe('report output', () => {
  const rows = [
    { name: 'Audio, "Pro"', n: 12 },
    { name: 'Toys', n: 3 },
  ];
  it('aligns a table, numbers to the right', () => {
    expect(formatTable(['name', 'n'], rows)).toBe(
      ['name           n', '------------  --', 'Audio, "Pro"  12', 'Toys           3'].join('\n'),
    );
    expect(formatTable(['name'], [])).toBe('(no rows)');
  });
  it('quotes CSV fields that need it', () => {
    expect(formatCsv(['name', 'n'], rows)).toBe('name,n\n"Audio, ""Pro""",12\nToys,3');
  });
});
