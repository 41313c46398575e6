// Hostile headers and mappings, stopped before a row is read: a duplicated column, a multi-megabyte header
// line, a mapping whose file paths leave --source.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphrecError } from '../../core';
import { readHeader } from './loadFile';
import { checkMappingPaths, type Mapping } from './mapping';

const failure = async (p: Promise<unknown> | (() => unknown)): Promise<GraphrecError> => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as GraphrecError;
  }
  throw new Error('expected an error');
};

describe('CSV headers', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-header-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a header naming a column twice, with the file, the line and the column', async () => {
    const file = path.join(dir, 'events.csv');
    fs.writeFileSync(file, 'event_id,price,user_id,price\ne1,1,u1,2\n');
    const e = await failure(readHeader(file, 'events.csv', ['event_id', 'price']));
    expect(e.describe()).toBe(
      'events.csv:1: price: the header must name each column once, but "price" is both column 2 and column 4',
    );
    expect(e.kind).toBe('VALIDATION');
  });

  it('quotes a 5 MB header line by a short prefix, once', async () => {
    const file = path.join(dir, 'events.csv');
    const huge = `event_id,${'x'.repeat(5_000_000)}`;
    fs.writeFileSync(file, `${huge}\ne1,1\n`);
    const e = await failure(readHeader(file, 'events.csv', ['event_id', 'price']));
    expect(e.message).toBe(
      `the header must name the columns event_id,price, but price is missing (got ${huge.slice(0, 200)}... [5000009 characters])`,
    );
    expect(e.describe().split('xxxxxxxxxx').length).toBeLessThan(30);
  });
});

describe('mapping file paths', () => {
  let root: string;
  let source: string;
  const mappingFile = '/maps/shop.json';
  const mapping = (files: { events?: string; categories?: string; props?: string[] }): Mapping => ({
    name: 'shop',
    events: {
      file: files.events ?? 'events.csv',
      columns: { user: 'u', item: 'i', type: 't', timestamp: 'ts' },
      timestamp: 'ms',
      types: { view: 'view' },
      sessionGapMinutes: 30,
    },
    ...(files.categories
      ? { categories: { file: files.categories, columns: { id: 'id', parent: 'p' } } }
      : {}),
    ...(files.props
      ? {
          itemProperties: {
            files: files.props,
            columns: { item: 'i', property: 'p', value: 'v', timestamp: 'ts' },
            categoryProperty: 'c',
          },
        }
      : {}),
  });

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-mapping-'));
    source = path.join(root, 'source');
    fs.mkdirSync(path.join(source, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'secret.csv'), 'a\n');
    fs.writeFileSync(path.join(source, 'sub', 'events.csv'), 'a\n');
    fs.symlinkSync(path.join(root, 'secret.csv'), path.join(source, 'link.csv'));
    fs.symlinkSync(root, path.join(source, 'up'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each([
    [{ events: '../secret.csv' }, 'events.file', '../secret.csv'],
    [{ events: '/etc/passwd' }, 'events.file', '/etc/passwd'],
    [{ categories: 'sub/../../secret.csv' }, 'categories.file', 'sub/../../secret.csv'],
    [{ props: ['sub/events.csv', 'link.csv'] }, 'itemProperties.files[1]', 'link.csv'],
    [{ events: 'up/secret.csv' }, 'events.file', 'up/secret.csv'],
    [{ events: '.' }, 'events.file', '.'],
  ])('refuses %j, naming the field', async (files, field, rel) => {
    const e = await failure(() => checkMappingPaths(source, mapping(files), mappingFile));
    expect(e.describe()).toBe(
      `${mappingFile}: ${field}: ${field} must name a file inside --source ${source}, but got: ${JSON.stringify(rel)}`,
    );
  });

  it('accepts files inside --source, in subdirectories and not yet present', () => {
    expect(() =>
      checkMappingPaths(
        source,
        mapping({ events: 'sub/events.csv', categories: 'missing.csv' }),
        mappingFile,
      ),
    ).not.toThrow();
  });
});
