// API keys. The storefront uses a public key (reads and trackEvents); operators use an admin key (model
// reload, experiments, the job dashboard). Keys come from config (API_PUBLIC_KEYS, API_ADMIN_KEYS). With no
// public keys configured the storefront surface is open (local development); admin always needs a key.
// Wrong keys are counted per client address (KeyGuessLimiter, below): past API_KEY_GUESS_LIMIT in a window,
// every keyed request from that address is refused until the window ends, so keys cannot be guessed.
import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type Redis from 'ioredis';
import type { Config, Logger } from '../core';

export type Role = 'anonymous' | 'public' | 'admin';

export interface Caller {
  role: Role;
  /** Who to rate-limit: a hash of the key, or the client address. */
  clientId: string;
}

export type AuthResult =
  | { ok: true; caller: Caller }
  | { ok: false; status: 401; code: 'UNAUTHENTICATED'; message: string }
  | { ok: false; status: 429; code: 'RATE_LIMITED'; message: string; retryAfterSeconds: number };

/**
 * Wrong API keys per client address, counted in Redis (shared by every API replica) over a fixed window. The
 * decision is taken from what this process last heard from Redis, so that a request with a good key costs no
 * round trip: each wrong key's count comes back with its reply, and past the limit the address is blocked here
 * until the window's end. Across N replicas at most N wrong keys more get through per window.
 */
export interface KeyGuessLimiter {
  /** Seconds until `address` may present keys again; 0 when it may now. */
  blockedFor(address: string, now?: number): number;
  /** Count one wrong key from `address` (in the background: the answer does not wait for Redis). */
  recordFailure(address: string): void;
  /** Resolves when every count sent so far has been answered (tests, shutdown). */
  settled(): Promise<void>;
}

export interface KeyGuessOptions {
  limit: number;
  windowSeconds: number;
  /** Redis key prefix of the counters (tests use their own). */
  prefix?: string;
  now?: () => number;
}

export function createKeyGuessLimiter(redis: Redis, opts: KeyGuessOptions, logger: Logger): KeyGuessLimiter {
  const now = opts.now ?? Date.now;
  const prefix = opts.prefix ?? 'graphrec:keyguess';
  const blockedUntil = new Map<string, number>();
  // When Redis cannot be asked, this process counts alone: guessing stays limited during an outage.
  const local = new Map<string, { n: number; resetAt: number }>();
  let pending: Promise<void> = Promise.resolve();

  const block = (address: string, count: number, ttlMs: number) => {
    if (count <= opts.limit) return;
    const until = now() + Math.max(ttlMs, 1000);
    if ((blockedUntil.get(address) ?? 0) < now())
      logger.warn(
        { address, wrongKeys: count, windowSeconds: opts.windowSeconds },
        'too many wrong API keys from one address: its keyed requests are refused until the window ends',
      );
    blockedUntil.set(address, until);
  };

  const countLocally = (address: string) => {
    const t = now();
    let c = local.get(address);
    if (!c || c.resetAt <= t) {
      if (local.size > 100_000) local.clear();
      c = { n: 0, resetAt: t + opts.windowSeconds * 1000 };
      local.set(address, c);
    }
    c.n++;
    block(address, c.n, c.resetAt - t);
  };

  return {
    blockedFor(address, at = now()) {
      const until = blockedUntil.get(address);
      if (until === undefined) return 0;
      if (until <= at) {
        blockedUntil.delete(address);
        return 0;
      }
      return Math.ceil((until - at) / 1000);
    },
    recordFailure(address) {
      logger.info({ address }, 'a wrong API key was presented');
      const key = `${prefix}:${address}`;
      const counted = redis
        .multi()
        .set(key, '0', 'EX', opts.windowSeconds, 'NX')
        .incr(key)
        .pttl(key)
        .exec()
        .then((res) => {
          const count = Number(res?.[1]?.[1]);
          const ttl = Number(res?.[2]?.[1]);
          if (!Number.isFinite(count)) throw new Error('no count in the reply');
          block(address, count, ttl > 0 ? ttl : opts.windowSeconds * 1000);
        })
        .catch((err: unknown) => {
          logger.warn(
            { err: (err as Error).message },
            'wrong API keys cannot be counted in Redis; counting in this process',
          );
          countLocally(address);
        });
      pending = pending.then(() => counted);
    },
    settled: () => pending,
  };
}

/** The key a request presents (x-api-key, else a Bearer token); from express's or node's request alike. */
export function presentedKey(req: { headers: IncomingHttpHeaders }): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header.trim();
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m ? m[1].trim() : undefined;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

export function authenticate(
  api: Config['api'],
  key: string | undefined,
  address: string,
  guesses?: KeyGuessLimiter,
): AuthResult {
  const hash = (k: string) => `key:${crypto.createHash('sha256').update(k).digest('hex').slice(0, 16)}`;
  if (key !== undefined) {
    // Refused before the key is checked: a blocked address must not learn whether a guess was right.
    const wait = guesses?.blockedFor(address) ?? 0;
    if (wait > 0)
      return {
        ok: false,
        status: 429,
        code: 'RATE_LIMITED',
        message: `too many wrong API keys from this address; retry in ${wait} s`,
        retryAfterSeconds: wait,
      };
    if (api.adminKeys.some((k) => same(k, key)))
      return { ok: true, caller: { role: 'admin', clientId: hash(key) } };
    if (api.publicKeys.some((k) => same(k, key)))
      return { ok: true, caller: { role: 'public', clientId: hash(key) } };
    guesses?.recordFailure(address);
    return { ok: false, status: 401, code: 'UNAUTHENTICATED', message: 'the API key is not valid' };
  }
  if (api.publicKeys.length > 0) {
    return {
      ok: false,
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'an API key is required (header x-api-key or Authorization: Bearer)',
    };
  }
  return { ok: true, caller: { role: 'anonymous', clientId: `ip:${address}` } };
}

/** The caller, as the front door (front.ts) or requireAdmin attached it to the response. */
export const callerOf = (res: { locals: Record<string, unknown> }): Caller => res.locals.caller as Caller;

/**
 * Express middleware for admin-only routes (the ops engineer mounts bull-board under /admin/queues behind
 * it): 401 without a valid key, 403 with a storefront key.
 */
export function requireAdmin(api: Config['api'], guesses?: KeyGuessLimiter) {
  return (req: Request, res: Response, next: NextFunction) => {
    const result = authenticate(api, presentedKey(req), req.ip ?? 'unknown', guesses);
    if (!result.ok && result.status === 429) {
      res.set('retry-after', String(result.retryAfterSeconds));
      res.status(429).json({ error: { code: 'RATE_LIMITED', message: result.message } });
      return;
    }
    if (!result.ok || result.caller.role === 'anonymous') {
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'an admin API key is required' } });
      return;
    }
    if (result.caller.role !== 'admin') {
      res
        .status(403)
        .json({ error: { code: 'FORBIDDEN', message: 'this API key may not use admin operations' } });
      return;
    }
    res.locals.caller = result.caller;
    next();
  };
}
