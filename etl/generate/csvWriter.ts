// Streaming CSV output into large byte chunks. Hot files (sessions, events) write their fields straight into
// the chunk as bytes (ids, digits, timestamps), so no string is built per row; cold files append whole rows
// as strings. A full chunk (~1 MiB) is hashed (sha256, for the manifest) and handed to the file stream.
// `ready()` waits for the stream to drain: that is the backpressure, awaited between batches of rows, so only
// a few chunks per file are ever in memory.
import { createHash, Hash } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';

const CHUNK_BYTES = 1 << 20;
/** Room kept at the end of a chunk: a hot row must fit in it (ours are under 200 bytes). */
const ROW_ROOM = 4096;

export interface FileStats {
  rows: number;
  bytes: number;
  sha256: string;
}

const ZERO = 48;

export class CsvWriter {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES + ROW_ROOM);
  private pos = 0;
  private rows = 0;
  private bytes = 0;
  private readonly hash: Hash;
  private readonly stream: WriteStream;
  private congested = false;
  private failure: Error | undefined;
  private readonly digits = new Uint8Array(24);
  private isoDay = NaN;
  private readonly isoPrefix = Buffer.alloc(11);

  constructor(
    readonly path: string,
    header: readonly string[],
  ) {
    this.hash = createHash('sha256');
    this.stream = createWriteStream(path, { highWaterMark: 4 << 20 });
    this.stream.on('error', (err) => {
      this.failure = err;
    });
    this.pos = this.chunk.write(`${header.join(',')}\n`, 0, 'utf8');
  }

  /** Append one whole row (a string ending with `\n`): the cold path. */
  row(line: string): void {
    const max = line.length * 3;
    if (this.pos + max > this.chunk.length) {
      this.flush();
      if (max > this.chunk.length) this.chunk = Buffer.allocUnsafe(max);
    }
    this.pos += this.chunk.write(line, this.pos, 'utf8');
    this.rows++;
    if (this.pos >= CHUNK_BYTES) this.flush();
  }

  // The hot path: field writers, then endRow(). A row must stay under ROW_ROOM bytes.

  /** ASCII text (ids' prefixes, enum labels, numbers already formatted). */
  ascii(s: string): void {
    const c = this.chunk;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) c[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Pre-encoded bytes. */
  raw(b: Uint8Array): void {
    const c = this.chunk;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) c[p++] = b[i];
    this.pos = p;
  }

  byte(b: number): void {
    this.chunk[this.pos++] = b;
  }

  /** A non-negative integer in decimal. */
  uint(n: number): void {
    if (n < 10) {
      this.chunk[this.pos++] = ZERO + n;
      return;
    }
    const d = this.digits;
    let k = 0;
    while (n > 0) {
      const q = Math.floor(n / 10);
      d[k++] = ZERO + n - q * 10;
      n = q;
    }
    const c = this.chunk;
    let p = this.pos;
    while (k > 0) c[p++] = d[--k];
    this.pos = p;
  }

  /** Integer cents as a decimal with two places: 1999 -> 19.99. */
  cents(cents: number): void {
    const whole = Math.floor(cents / 100);
    const frac = cents - whole * 100;
    this.uint(whole);
    this.chunk[this.pos++] = 46;
    this.chunk[this.pos++] = ZERO + Math.floor(frac / 10);
    this.chunk[this.pos++] = ZERO + (frac % 10);
  }

  /** Epoch milliseconds as ISO 8601 UTC with milliseconds; the date part is cached per day. */
  iso(ms: number): void {
    const day = Math.floor(ms / 86_400_000);
    if (day !== this.isoDay) {
      this.isoDay = day;
      this.isoPrefix.write(new Date(day * 86_400_000).toISOString().slice(0, 11), 0, 'latin1');
    }
    const c = this.chunk;
    let p = this.pos;
    for (let i = 0; i < 11; i++) c[p++] = this.isoPrefix[i];
    let r = ms - day * 86_400_000;
    const h = Math.floor(r / 3_600_000);
    r -= h * 3_600_000;
    const m = Math.floor(r / 60_000);
    r -= m * 60_000;
    const s = Math.floor(r / 1000);
    r -= s * 1000;
    c[p++] = ZERO + Math.floor(h / 10);
    c[p++] = ZERO + (h % 10);
    c[p++] = 58;
    c[p++] = ZERO + Math.floor(m / 10);
    c[p++] = ZERO + (m % 10);
    c[p++] = 58;
    c[p++] = ZERO + Math.floor(s / 10);
    c[p++] = ZERO + (s % 10);
    c[p++] = 46;
    c[p++] = ZERO + Math.floor(r / 100);
    c[p++] = ZERO + (Math.floor(r / 10) % 10);
    c[p++] = ZERO + (r % 10);
    c[p++] = 90;
    this.pos = p;
  }

  endRow(): void {
    this.chunk[this.pos++] = 10;
    this.rows++;
    if (this.pos >= CHUNK_BYTES) this.flush();
  }

  private flush(): void {
    if (this.pos === 0) return;
    const full = this.chunk.subarray(0, this.pos);
    this.hash.update(full);
    this.bytes += full.length;
    if (!this.stream.write(full)) this.congested = true;
    // The stream keeps the old chunk until it is written out: start a fresh one.
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES + ROW_ROOM);
    this.pos = 0;
  }

  /** Resolve once the file stream can take more: call it between batches of rows. */
  async ready(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.congested) {
      this.congested = false;
      await once(this.stream, 'drain');
    }
  }

  async close(): Promise<FileStats> {
    this.flush();
    await this.ready();
    this.stream.end();
    await once(this.stream, 'finish');
    if (this.failure) throw this.failure;
    return { rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/** RFC 4180: quote a field that holds a comma, quote, CR or LF, doubling the quotes inside. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Integer cents as a decimal with two places: 1999 -> "19.99". */
export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  return `${whole}.${PAD2[cents - whole * 100]}`;
}

/** `new Date(ms).toISOString()`, for the cold paths. */
export const isoString = (ms: number) => new Date(ms).toISOString();
