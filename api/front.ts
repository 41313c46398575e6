// The GraphQL front door: `POST /graphql` with a JSON body (nearly every request) is answered here, on the bare
// node:http request, before express. Express's router, body parser and per-request wrappers cost about a third
// of a cached answer's CPU on this machine (docs/performance.md, "API"), and every request paid them.
//
// The same steps as the express chain, in the same order, with the same code where it is ours: CORS (the same
// `cors` handler), the in-flight gauge, the API key (auth.ts), the body (JSON, at most BODY_LIMIT bytes), the rate
// limit (rateLimit.ts), the pre-rendered answers (prerendered.ts), then Apollo (`executeHTTPGraphQLRequest`,
// what the express integration calls). Anything else (another path or method, a preflight, another content type
// or a compressed body) is left to express, which still mounts the full chain on /graphql.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type Redis from 'ioredis';
import type { Logger } from '../core';
import { authenticate, presentedKey, type Caller } from './auth';
import type { ApiContext } from './context';
import type { Metrics } from './metrics';
import type { Prerendered, PrerenderResponse } from './prerendered';
import { tooManyRequests, type RateLimiter } from './rateLimit';
import { inOneWrite } from './redis';

/** The largest request body accepted, as express.json's limit on the same route. */
export const BODY_LIMIT = 512 * 1024;

/** A response with per-request state, as express's `res.locals`: the caller, the pre-rendered path's lookup. */
export type FrontResponse = PrerenderResponse;

export interface FrontOptions {
  apollo: ApolloServer<ApiContext>;
  api: Parameters<typeof authenticate>[0];
  /** The `cors` middleware express uses, called on the bare request (it only reads headers and sets some). */
  cors: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  rateLimiter: RateLimiter;
  prerendered: Prerendered;
  /** The connection the rate limiter and the pre-rendered lookup share: both leave in one write on it. */
  redis: Redis;
  metrics: Metrics;
  logger: Logger;
  context: (res: FrontResponse) => ApiContext;
}

/** Whether the front answers this request; if not, express does (nothing has been read or written yet). */
export function takenByFront(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if ((q < 0 ? url : url.slice(0, q)) !== '/graphql') return false;
  const type = req.headers['content-type'];
  if (!type || !/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type)) return false;
  const encoding = req.headers['content-encoding'];
  return encoding === undefined || encoding === 'identity';
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const errorBody = (message: string, code: string, extra: Record<string, unknown> = {}) => ({
  errors: [{ message, extensions: { code, ...extra } }],
});

/** Read the body as UTF-8 text, refusing more than `limit` bytes (null: too large; the rest is drained). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks, size).toString('utf8')));
    req.on('error', reject);
  });
}

export function createFront(opts: FrontOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { apollo, metrics, logger } = opts;

  async function handle(req: IncomingMessage, res: FrontResponse): Promise<void> {
    const auth = authenticate(opts.api, presentedKey(req), req.socket.remoteAddress ?? 'unknown');
    if (!auth.ok) {
      req.resume();
      return sendJson(res, auth.status, errorBody(auth.message, 'UNAUTHENTICATED'));
    }
    res.locals.caller = auth.caller satisfies Caller;
    const text = await readBody(req, BODY_LIMIT);
    if (text === null) {
      return sendJson(
        res,
        413,
        errorBody(`the request body is larger than ${BODY_LIMIT} bytes`, 'PAYLOAD_TOO_LARGE'),
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return sendJson(res, 400, errorBody('the request body is not valid JSON', 'BAD_REQUEST'));
    }
    // The rate limit and the pre-rendered path's lookup are both sent before either reply is awaited, in one
    // write: one round trip's wait. Nothing is served before the limit allows it.
    const { limit, answered } = inOneWrite(opts.redis, () => {
      const limit = opts.rateLimiter.consume(auth.caller.clientId);
      const allowed = limit.then((l) => l === null);
      return { limit, answered: opts.prerendered.answer(body, req.headers.accept, res, allowed) };
    });
    if (await answered.catch(() => false)) return;
    const limited = await limit;
    if (limited !== null) {
      return sendJson(res, 429, tooManyRequests(limited), {
        'retry-after': String(limited.retryAfterSeconds),
      });
    }
    await apolloAnswer(req, res, body);
  }

  async function apolloAnswer(req: IncomingMessage, res: FrontResponse, body: unknown): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: q < 0 ? '' : url.slice(q), body },
      context: async () => opts.context(res),
    });
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(answer.body.string));
      res.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return (req, res) => {
    if (!takenByFront(req)) return false;
    const r = res as FrontResponse;
    r.locals = {};
    metrics.inflight.inc();
    res.on('close', () => metrics.inflight.dec());
    opts.cors(req, res, () => {
      handle(req, r).catch((err: unknown) => {
        logger.error({ err }, 'unexpected error answering a GraphQL request');
        if (!res.headersSent) sendJson(res, 500, errorBody('internal server error', 'INTERNAL_SERVER_ERROR'));
        else res.destroy();
      });
    });
    return true;
  };
}
