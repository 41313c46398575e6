// Rejected rows go to <dataDir>/quarantine/<load id>/rejected.jsonl, one JSON object a line:
// {"file","line","field","reason","raw"}. The file is created on the first rejection only.
import fs from 'node:fs';
import path from 'node:path';

export interface Rejection {
  file: string;
  line: number;
  field?: string;
  reason: string;
  raw: string;
}

/** Raw rows are kept whole up to this many characters (an oversized row is the usual reason to cut one). */
const MAX_RAW = 8192;

export class Quarantine {
  readonly dir: string;
  readonly file: string;
  private fd: number | undefined;
  count = 0;

  constructor(dataDir: string, loadId: string) {
    this.dir = path.join(dataDir, 'quarantine', loadId);
    this.file = path.join(this.dir, 'rejected.jsonl');
  }

  add(r: Rejection): void {
    if (this.fd === undefined) {
      fs.mkdirSync(this.dir, { recursive: true });
      this.fd = fs.openSync(this.file, 'a');
    }
    const raw = r.raw.length > MAX_RAW ? `${r.raw.slice(0, MAX_RAW)}...[${r.raw.length} characters]` : r.raw;
    fs.writeSync(this.fd, `${JSON.stringify({ ...r, raw })}\n`);
    this.count += 1;
  }

  /** The quarantine file's path when something was rejected. */
  path(): string | undefined {
    return this.count > 0 ? this.file : undefined;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
