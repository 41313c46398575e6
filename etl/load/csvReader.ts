// A strict, streaming RFC 4180 reader that survives bad lines. csv-parse loses the records after a malformed
// one (a stray quote swallows the following lines), which breaks "valid rows load", so this reader works on
// physical lines: a record is one line, or several when a quoted field holds a newline. A record that is
// malformed (bare or stray quote, a quoted field never closed within MAX_RECORD_BYTES / MAX_RECORD_LINES,
// invalid UTF-8) is reported as bad at its first line, and reading resumes at the next physical line.
import fs from 'node:fs';

/** Longest record accepted, in characters; bounds memory when a quote is never closed. */
export const MAX_RECORD_CHARS = 64 * 1024;
/** Most physical lines one record may span. */
export const MAX_RECORD_LINES = 64;

export type CsvItem =
  | { kind: 'row'; line: number; fields: string[]; raw: string }
  | { kind: 'bad'; line: number; raw: string; reason: string };

/** Parse one record's text. `open` means a quoted field is still open at the end (it continues on the next line). */
export function parseRecord(text: string): string[] | 'open' | { error: string } {
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (i < n && text.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return 'open';
        value += text.slice(j, q);
        if (q + 1 < n && text.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === n) return fields;
      if (text.charCodeAt(i) !== 44 /* , */)
        return {
          error: `malformed CSV: unexpected character after the closing quote of field ${fields.length}`,
        };
      i += 1;
    } else {
      const c = text.indexOf(',', i);
      const end = c < 0 ? n : c;
      const value = text.slice(i, end);
      if (value.includes('"'))
        return { error: `malformed CSV: a double quote inside unquoted field ${fields.length + 1}` };
      fields.push(value);
      if (c < 0) return fields;
      i = c + 1;
    }
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function invalidUtf8(buf: Buffer): boolean {
  try {
    decoder.decode(buf);
    return false;
  } catch {
    return true;
  }
}

type PhysicalLine = { text: string; badUtf8: boolean };

/**
 * Physical lines of a file as strings, with a flag for lines that are not valid UTF-8, one array per read
 * chunk (1 MiB): a promise per chunk rather than per line, which the readers below then walk synchronously.
 */
async function* physicalLineChunks(file: string): AsyncGenerator<PhysicalLine[]> {
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let rest: Buffer | null = null;
  let first = true;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    if (first) {
      first = false;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    const lines: PhysicalLine[] = [];
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      lines.push(lineOf(buf.subarray(start, nl)));
      start = nl + 1;
    }
    rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    if (lines.length > 0) yield lines;
  }
  if (rest && rest.length > 0) yield [lineOf(rest)];
}

function lineOf(bytes: Buffer): PhysicalLine {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  const text = bytes.toString('utf8', 0, end);
  // toString replaces bad bytes with U+FFFD; only then pay for a strict decode.
  return { text, badUtf8: text.includes('\uFFFD') && invalidUtf8(bytes.subarray(0, end)) };
}

/**
 * Records of a CSV file, header included (as the row of line 1). Blank lines are skipped. The caller checks the
 * field count against the header.
 */
export async function* readCsv(file: string): AsyncGenerator<CsvItem> {
  const chunks = physicalLineChunks(file);
  let chunk: PhysicalLine[] = [];
  let at = 0;
  // Lines read ahead while looking for the end of a quoted field; replayed when that record turns out bad.
  const pending: (PhysicalLine & { line: number })[] = [];
  let lineNo = 0;
  const next = async () => {
    if (pending.length > 0) return pending.shift()!;
    while (at === chunk.length) {
      const r = await chunks.next();
      if (r.done) return undefined;
      chunk = r.value;
      at = 0;
    }
    return nextInChunk();
  };
  const nextInChunk = () => {
    lineNo += 1;
    const l = chunk[at++];
    return { text: l.text, badUtf8: l.badUtf8, line: lineNo };
  };
  for (;;) {
    // The common case (no replay, lines left in the chunk) takes no promise.
    const first = pending.length === 0 && at < chunk.length ? nextInChunk() : await next();
    if (!first) return;
    if (first.text === '') continue;
    if (first.badUtf8) {
      yield { kind: 'bad', line: first.line, raw: first.text, reason: 'invalid UTF-8 byte sequence' };
      continue;
    }
    let text = first.text;
    let parsed = parseRecord(text);
    const used: typeof pending = [];
    while (parsed === 'open' && text.length <= MAX_RECORD_CHARS && used.length < MAX_RECORD_LINES) {
      const more = await next();
      if (!more || more.badUtf8) {
        if (more) used.push(more);
        break;
      }
      used.push(more);
      text += `\n${more.text}`;
      parsed = parseRecord(text);
    }
    if (Array.isArray(parsed)) {
      yield { kind: 'row', line: first.line, fields: parsed, raw: text };
      continue;
    }
    // Bad record: report its first line only and give the lines read ahead another chance.
    pending.unshift(...used);
    const reason =
      parsed === 'open'
        ? 'malformed CSV: a quoted field is never closed'
        : used.length > 0
          ? `${parsed.error} (in a record continued over ${used.length + 1} lines)`
          : parsed.error;
    yield { kind: 'bad', line: first.line, raw: first.text, reason };
  }
}

/** Lines of a plain text file (no quoting) as one-field rows; blank lines skipped, bad UTF-8 reported. */
export async function* readTextLines(file: string): AsyncGenerator<CsvItem> {
  let line = 0;
  for await (const lines of physicalLineChunks(file))
    for (const l of lines) {
      line += 1;
      if (l.badUtf8) yield { kind: 'bad', line, raw: l.text, reason: 'invalid UTF-8 byte sequence' };
      else if (l.text.length > MAX_RECORD_CHARS * 16)
        yield {
          kind: 'bad',
          line,
          raw: l.text,
          reason: `the line is longer than ${MAX_RECORD_CHARS * 16} characters`,
        };
      else if (l.text.trim() !== '') yield { kind: 'row', line, fields: [l.text], raw: l.text };
    }
}
