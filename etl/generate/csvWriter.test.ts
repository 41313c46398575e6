import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { csvField, CsvWriter, formatCents } from './csvWriter';
import { Rng } from './prng';

describe('csvWriter', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'csvwriter-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('quotes fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('formats cents with two decimals', () => {
    expect(formatCents(1999)).toBe('19.99');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(100)).toBe('1.00');
  });

  it('writes the hot-path fields exactly as the string formatting would, and reports rows, bytes, sha256', async () => {
    const file = path.join(dir, 'hot.csv');
    const w = new CsvWriter(file, ['id', 'ts', 'n', 'price']);
    const r = new Rng(11);
    const expected: string[] = ['id,ts,n,price'];
    for (let i = 0; i < 30_000; i++) {
      // Spread over ~60 years, millisecond resolution, including the edges of days.
      const ms =
        i % 100 === 0 ? Date.UTC(2026, 0, 1) - (i % 200 === 0 ? 1 : 0) : Math.floor(r.float() * 1.9e12);
      const n = r.int(1_000_000_000);
      const cents = r.int(10_000_000);
      w.ascii('e');
      w.uint(i);
      w.byte(44);
      w.iso(ms);
      w.byte(44);
      w.uint(n);
      w.byte(44);
      w.cents(cents);
      w.endRow();
      expected.push(`e${i},${new Date(ms).toISOString()},${n},${formatCents(cents)}`);
    }
    w.row('x,"a ""b"", c",é,1.00\n');
    expected.push('x,"a ""b"", c",é,1.00');
    const stats = await w.close();
    const text = readFileSync(file);
    expect(text.toString('utf8')).toBe(`${expected.join('\n')}\n`);
    expect(stats.rows).toBe(30_001);
    expect(stats.bytes).toBe(text.length);
    expect(stats.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });
});
