// Per-client rate limiting: a token bucket per API key (or client address) in Redis, shared by every API
// replica; when Redis is down an in-memory limiter per process takes over (rate-limiter-flexible's insurance
// limiter), so limits still hold, per replica. Over the limit: HTTP 429 with Retry-After and RATE_LIMITED.
import type { NextFunction, Request, Response } from 'express';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { callerOf } from './auth';

/** Why a request was refused: the limit and when to retry. */
export interface RateLimited {
  pointsPerMinute: number;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Take one request from the client's allowance: null if allowed, else why not. */
  consume(clientId: string): Promise<RateLimited | null>;
}

export function createRateLimiter(redis: Redis, pointsPerMinute: number): RateLimiter {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'graphrec:rl',
    points: pointsPerMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({
      keyPrefix: 'graphrec:rl:mem',
      points: pointsPerMinute,
      duration: 60,
    }),
  });
  return {
    consume(clientId) {
      return limiter.consume(clientId).then(
        () => null,
        (rej: unknown) =>
          rej instanceof RateLimiterRes
            ? { pointsPerMinute, retryAfterSeconds: Math.max(1, Math.ceil(rej.msBeforeNext / 1000)) }
            : null, // the limiter itself failed (both stores): do not block traffic on it
      );
    },
  };
}

/** The 429 answer's body. */
export function tooManyRequests(r: RateLimited) {
  return {
    errors: [
      {
        message: `too many requests: at most ${r.pointsPerMinute} per minute per client; retry in ${r.retryAfterSeconds} s`,
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: r.retryAfterSeconds },
      },
    ],
  };
}

export function rateLimitMiddleware(limiter: RateLimiter) {
  return (_req: Request, res: Response, next: NextFunction) => {
    limiter.consume(callerOf(res).clientId).then((limited) => {
      if (limited === null) return next();
      res.set('Retry-After', String(limited.retryAfterSeconds));
      res.status(429).json(tooManyRequests(limited));
    }, next);
  };
}
