import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CsvItem, parseRecord, readCsv } from './csvReader';

async function readAll(content: Buffer | string): Promise<CsvItem[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csvreader-'));
  const file = path.join(dir, 'x.csv');
  fs.writeFileSync(file, content);
  const out: CsvItem[] = [];
  for await (const item of readCsv(file)) out.push(item);
  fs.rmSync(dir, { recursive: true });
  return out;
}

describe('parseRecord', () => {
  it('splits plain and quoted fields, with doubled quotes and commas inside quotes', () => {
    expect(parseRecord('a,"b,c","say ""hi""",')).toEqual(['a', 'b,c', 'say "hi"', '']);
  });
  it('reports an open quote so that the record continues on the next line', () => {
    expect(parseRecord('a,"multi')).toBe('open');
  });
  it('rejects a stray character after a closing quote and a bare quote', () => {
    expect(parseRecord('a,"b"x,c')).toEqual({
      error: 'malformed CSV: unexpected character after the closing quote of field 2',
    });
    expect(parseRecord('a,b"c')).toEqual({ error: 'malformed CSV: a double quote inside unquoted field 2' });
  });
});

describe('readCsv', () => {
  it('reads multi-line quoted records and keeps going after malformed lines', async () => {
    const items = await readAll(
      'h1,h2,h3\n1,2,3\n4,"5"x,6\n7,8,9\n10,"multi\nline",12\n13,"never closed,14\n15,16,17\n',
    );
    expect(items.map((i) => (i.kind === 'row' ? [i.line, i.fields] : [i.line, i.reason]))).toEqual([
      [1, ['h1', 'h2', 'h3']],
      [2, ['1', '2', '3']],
      [3, 'malformed CSV: unexpected character after the closing quote of field 2'],
      [4, ['7', '8', '9']],
      [5, ['10', 'multi\nline', '12']],
      [7, 'malformed CSV: a quoted field is never closed'],
      [8, ['15', '16', '17']],
    ]);
  });

  it('rejects a line with invalid UTF-8 but accepts real multi-byte text', async () => {
    const items = await readAll(
      Buffer.concat([
        Buffer.from('a,b\nü,€\n'),
        Buffer.from([0x78, 0x2c, 0xff, 0xfe, 0x0a]),
        Buffer.from('c,d\n'),
      ]),
    );
    expect(items.map((i) => (i.kind === 'row' ? i.fields : i.reason))).toEqual([
      ['a', 'b'],
      ['ü', '€'],
      'invalid UTF-8 byte sequence',
      ['c', 'd'],
    ]);
  });

  it('handles CRLF, a BOM, blank lines and a missing final newline', async () => {
    const items = await readAll('\uFEFFa,b\r\n\r\n1,2\r\n3,4');
    expect(items.map((i) => (i.kind === 'row' ? [i.line, i.fields] : i.reason))).toEqual([
      [1, ['a', 'b']],
      [3, ['1', '2']],
      [4, ['3', '4']],
    ]);
  });

  it('yields nothing for an empty file', async () => {
    expect(await readAll('')).toEqual([]);
  });
});
