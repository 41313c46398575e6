import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AdminCsvFile } from './adminCsv';

describe('AdminCsvFile', () => {
  it('quotes every string, doubles quotes, leaves null empty and notes line breaks', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-admincsv-'));
    const f = new AdminCsvFile(path.join(dir, 'x.csv'), ['id:ID(X)', 'n:double', 'b:boolean', 's']);
    f.write(['x1', 1.5, true, 'a, "b"']);
    expect(f.multiline).toBe(false);
    f.write(['x2', null, false, undefined]);
    f.write(['x3', 1700000000000, false, 'two\nlines']);
    f.close();
    expect(f.multiline).toBe(true);
    expect(f.rows).toBe(3);
    expect(fs.readFileSync(f.path, 'utf8')).toBe(
      'id:ID(X),n:double,b:boolean,s\n"x1",1.5,true,"a, ""b"""\n"x2",,false,\n"x3",1700000000000,false,"two\nlines"\n',
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
