// The HTTP edge of a GraphQL request: its body read and checked (JSON in UTF-8, plain or compressed, bounded),
// and the typed JSON errors every refusal is answered with. No refusal carries a stack trace, a path or HTML.
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import type { ApiErrorCode } from './errors';

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** A GraphQL-shaped error answer, as Apollo's own refusals are. */
export const errorBody = (message: string, code: ApiErrorCode, extra: Record<string, unknown> = {}) => ({
  errors: [{ message, extensions: { code, ...extra } }],
});

export type BodyResult =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; code: ApiErrorCode; message: string };

/** JSON in UTF-8 (RFC 8259 allows no other charset between systems); a `charset` parameter may say so. */
const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

const DECODERS: Record<string, (() => Transform) | null> = {
  identity: null,
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

const refuse = (status: 400 | 413 | 415, code: ApiErrorCode, message: string): BodyResult => ({
  ok: false,
  status,
  code,
  message,
});

/**
 * Read a POST body as JSON: the content type must be application/json in UTF-8, the encoding one of
 * DECODERS, and the decoded body at most `limit` bytes. A refused body is drained, not read into memory.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type.trim())) {
    req.resume();
    return refuse(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `the content-type must be application/json (charset utf-8), but got: ${JSON.stringify(type ?? '')}`,
    );
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!(encoding in DECODERS)) {
    req.resume();
    return refuse(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `the content-encoding must be one of ${Object.keys(DECODERS).join(', ')}, but got: ${JSON.stringify(encoding)}`,
    );
  }
  const tooLarge = refuse(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${limit} bytes`);
  if (Number(req.headers['content-length']) > limit) {
    req.resume();
    return tooLarge;
  }
  const decoder = DECODERS[encoding];
  const read = await readText(req, limit, decoder ? decoder() : null);
  if ('refused' in read) {
    return read.refused === 'too large'
      ? tooLarge
      : refuse(400, 'BAD_REQUEST', `the request body is not valid ${encoding} data`);
  }
  try {
    return { ok: true, value: JSON.parse(read.text) as unknown };
  } catch {
    return refuse(400, 'BAD_REQUEST', 'the request body is not valid JSON');
  }
}

type Read = { text: string } | { refused: 'too large' | 'corrupt' };

/** The body as UTF-8 text, decoded by `decoder` when given; at most `limit` bytes of it are kept. */
function readText(req: IncomingMessage, limit: number, decoder: Transform | null): Promise<Read> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (read: Read) => {
      if (settled) return;
      settled = true;
      if (decoder && 'refused' in read) {
        // What is left of a refused request is drained, so the connection stays usable for the answer.
        req.unpipe(decoder);
        decoder.destroy();
        req.resume();
      }
      resolve(read);
    };
    const source = decoder ? req.pipe(decoder) : req;
    source.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) settle({ refused: 'too large' });
      else if (!settled) chunks.push(c);
    });
    source.on('end', () => settle({ text: Buffer.concat(chunks, size).toString('utf8') }));
    if (decoder) decoder.on('error', () => settle({ refused: 'corrupt' }));
    req.on('error', (err) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
  });
}
