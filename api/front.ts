// The GraphQL front door: every request to /graphql is answered here, on the bare node:http request; express
// serves the other routes. Express's router, body parser and per-request wrappers cost about a third of a cached
// answer's CPU on this machine (docs/performance.md, "API"), and one pipeline for the route means one set of
// answers to a malformed request.
//
// The steps, in order: CORS (the `cors` handler express uses, which also answers preflights), the in-flight
// gauge, the method, the API key (auth.ts), the body (transport.ts: JSON, UTF-8, identity or gzip/deflate/br, at
// most BODY_LIMIT bytes decoded), the rate limit (rateLimit.ts), the pre-rendered answers (prerendered.ts), the
// query's shape (queryLimits.ts: before Apollo validates it), then Apollo (`executeHTTPGraphQLRequest`, what an
// express integration calls). Every refusal is a typed JSON error.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type Redis from 'ioredis';
import type { Logger } from '../core';
import { authenticate, presentedKey, type Caller, type KeyGuessLimiter } from './auth';
import type { ApiContext } from './context';
import type { ApiErrorCode } from './errors';
import type { DocumentRefusal } from './limits';
import type { Metrics } from './metrics';
import type { Prerendered, PrerenderResponse } from './prerendered';
import { clientAddress, tooManyRequests, type RateLimiter } from './rateLimit';
import { inOneWrite } from './redis';
import { errorBody, readJsonBody, sendJson } from './transport';

/** The largest request body accepted (after decoding a compressed one). */
export const BODY_LIMIT = 512 * 1024;

/** A response with per-request state, as express's `res.locals`: the caller, the pre-rendered path's lookup. */
export type FrontResponse = PrerenderResponse;

export interface FrontOptions {
  apollo: ApolloServer<ApiContext>;
  api: Parameters<typeof authenticate>[0];
  /** Wrong keys counted per client address (auth.ts): past its limit the address is refused. */
  keyGuesses: KeyGuessLimiter;
  /** The `cors` middleware express uses, called on the bare request (it only reads headers and sets some). */
  cors: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  rateLimiter: RateLimiter;
  /** Proxies in front of the API whose X-Forwarded-For is believed (0: none, the peer is the client). */
  trustedProxyHops: number;
  /** The document limits (queryLimits.ts `createDocumentGate`): a refusal, or null to go on. */
  checkDocument: (query: unknown) => DocumentRefusal | null;
  prerendered: Prerendered;
  /** The connection the rate limiter and the pre-rendered lookup share: both leave in one write on it. */
  redis: Redis;
  metrics: Metrics;
  logger: Logger;
  context: (res: FrontResponse) => ApiContext;
}

/** Whether the front answers this request (every method on /graphql); if not, express does. */
export function takenByFront(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return (q < 0 ? url : url.slice(0, q)) === '/graphql';
}

export function createFront(opts: FrontOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { apollo, metrics, logger } = opts;

  /** Answer a refusal before GraphQL runs: typed JSON, counted by its code; what is left of the body drained. */
  function refuse(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    code: ApiErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): void {
    req.resume();
    metrics.refused.inc({ code });
    sendJson(res, status, errorBody(message, code, extra), headers);
  }

  async function handle(req: IncomingMessage, res: FrontResponse): Promise<void> {
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'POST') {
      const message = `the method must be GET or POST, but got: ${method}`;
      return refuse(req, res, 405, 'METHOD_NOT_ALLOWED', message, {}, { allow: 'GET, POST, OPTIONS' });
    }
    const address = clientAddress(req, opts.trustedProxyHops);
    const auth = authenticate(opts.api, presentedKey(req), address, opts.keyGuesses);
    if (!auth.ok) {
      if (auth.status === 429) {
        const { retryAfterSeconds } = auth;
        return refuse(
          req,
          res,
          429,
          auth.code,
          auth.message,
          { retryAfterSeconds },
          {
            'retry-after': String(retryAfterSeconds),
          },
        );
      }
      return refuse(req, res, auth.status, auth.code, auth.message);
    }
    res.locals.caller = auth.caller satisfies Caller;
    let body: unknown;
    if (method === 'POST') {
      const read = await readJsonBody(req, BODY_LIMIT);
      if (!read.ok) return refuse(req, res, read.status, read.code, read.message);
      body = read.value;
    }
    // The rate limit and the pre-rendered path's lookup are both sent before either reply is awaited, in one
    // write: one round trip's wait. Nothing is served before the limit allows it.
    const { limit, answered } = inOneWrite(opts.redis, () => {
      const limit = opts.rateLimiter.consume(auth.caller, address);
      const allowed = limit.then((l) => l === null);
      const answered =
        method === 'POST'
          ? opts.prerendered.answer(body, req.headers.accept, res, allowed)
          : Promise.resolve(false);
      return { limit, answered };
    });
    if (await answered.catch(() => false)) return;
    const limited = await limit;
    if (limited !== null) {
      metrics.refused.inc({ code: 'RATE_LIMITED' });
      return sendJson(res, 429, tooManyRequests(limited), {
        'retry-after': String(limited.retryAfterSeconds),
      });
    }
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const search = q < 0 ? '' : url.slice(q);
    const query =
      method === 'POST'
        ? (body as { query?: unknown } | null)?.query
        : new URLSearchParams(search).get('query');
    const refused = opts.checkDocument(query);
    if (refused) {
      const { message, rule } = refused;
      return refuse(req, res, 400, 'GRAPHQL_VALIDATION_FAILED', message, { rule });
    }
    await apolloAnswer(req, res, method, search, body);
  }

  async function apolloAnswer(
    req: IncomingMessage,
    res: FrontResponse,
    method: 'GET' | 'POST',
    search: string,
    body: unknown,
  ): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search, body },
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
        if (!res.headersSent) sendJson(res, 500, errorBody('internal error', 'INTERNAL_SERVER_ERROR'));
        else res.destroy();
      });
    });
    return true;
  };
}
