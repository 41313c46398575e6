// One header+data CSV file for `neo4j-admin database import`, written as rows arrive (a 1 MiB buffer, flushed
// with synchronous writes: bounded memory, no backpressure to juggle). neo4j-admin reads an unquoted empty
// field as "no property" and a quoted one as a string, so strings are always quoted (quotes doubled, RFC 4180)
// and null/undefined are left empty: exactly the properties the transactional path's SET of null leaves out.
import fs from 'node:fs';

export type CsvValue = string | number | boolean | null | undefined;

const FLUSH_AT = 1 << 20;

export class AdminCsvFile {
  private fd: number;
  private buffer = '';
  rows = 0;
  bytes = 0;
  /** A value held a line break: neo4j-admin must be told to parse this file as multi-line. */
  multiline = false;

  constructor(
    readonly path: string,
    header: string[],
  ) {
    this.fd = fs.openSync(path, 'w');
    this.buffer = `${header.join(',')}\n`;
  }

  write(values: CsvValue[]): void {
    let line = '';
    for (let i = 0; i < values.length; i++) {
      if (i > 0) line += ',';
      line += this.field(values[i]);
    }
    this.buffer += `${line}\n`;
    this.rows += 1;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  /** A line already in this file's CSV form (a rewrite of rows this class wrote). */
  appendRaw(line: string): void {
    this.buffer += `${line}\n`;
    this.rows += 1;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private field(v: CsvValue): string {
    if (v === null || v === undefined) return '';
    if (typeof v !== 'string') return String(v);
    if (!this.multiline && (v.includes('\n') || v.includes('\r'))) this.multiline = true;
    return `"${v.includes('"') ? v.replace(/"/g, '""') : v}"`;
  }

  private flush(): void {
    if (this.buffer === '') return;
    const b = Buffer.from(this.buffer, 'utf8');
    fs.writeSync(this.fd, b);
    this.bytes += b.length;
    this.buffer = '';
  }
}
