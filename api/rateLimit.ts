// Per-client rate limiting: a token bucket per API key (or client address) in Redis, shared by every API
// replica; when Redis is down an in-memory limiter per process takes over (rate-limiter-flexible's insurance
// limiter), so limits still hold, per replica. Over the limit: HTTP 429 with Retry-After and RATE_LIMITED.
import type { NextFunction, Request, Response } from 'express';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { callerOf } from './auth';

export function rateLimitMiddleware(redis: Redis, pointsPerMinute: number) {
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
  return (req: Request, res: Response, next: NextFunction) => {
    limiter
      .consume(callerOf(res).clientId)
      .then(() => next())
      .catch((rej: unknown) => {
        if (rej instanceof RateLimiterRes) {
          const retry = Math.max(1, Math.ceil(rej.msBeforeNext / 1000));
          res.set('Retry-After', String(retry));
          res.status(429).json({
            errors: [
              {
                message: `too many requests: at most ${pointsPerMinute} per minute per client; retry in ${retry} s`,
                extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retry },
              },
            ],
          });
          return;
        }
        next(); // the limiter itself failed (both stores): do not block traffic on it
      });
  };
}
