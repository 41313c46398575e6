// Rate limits, as token buckets in Redis shared by every API replica; when Redis is down an in-memory limiter per
// process takes over (rate-limiter-flexible's insurance limiter), so limits still hold, per replica.
//
// The storefront key is carried by every shopper's browser, so a bucket per key would let one client use up the
// whole shop's allowance. Two buckets instead: one per client (the key and the client's address), and a ceiling
// per key over all its clients. A client over its own limit gives back what it took from the key's ceiling, so
// it cannot starve the other clients by insisting. Over a limit: HTTP 429 with Retry-After and RATE_LIMITED.
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Caller } from './auth';

/** Why a request was refused: which limit, its size and when to retry. */
export interface RateLimited {
  scope: 'client' | 'key';
  pointsPerMinute: number;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Take one request from the client's and its key's allowances: null if allowed, else why not. */
  consume(caller: Caller, address: string): Promise<RateLimited | null>;
}

export interface RateLimits {
  perClientPerMinute: number;
  perKeyPerMinute: number;
}

function bucket(redis: Redis, keyPrefix: string, points: number) {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}:mem`, points, duration: 60 }),
  });
}

type Outcome = 'allowed' | RateLimiterRes | 'failed';
const outcome = (p: Promise<unknown>): Promise<Outcome> =>
  p.then(
    () => 'allowed' as const,
    // A rejection that is not a RateLimiterRes is the limiter itself failing (both stores): it never blocks.
    (rej: unknown) => (rej instanceof RateLimiterRes ? rej : ('failed' as const)),
  );

const refusal = (scope: RateLimited['scope'], pointsPerMinute: number, r: RateLimiterRes): RateLimited => ({
  scope,
  pointsPerMinute,
  retryAfterSeconds: Math.max(1, Math.ceil(r.msBeforeNext / 1000)),
});

export function createRateLimiter(redis: Redis, limits: RateLimits): RateLimiter {
  const perClient = bucket(redis, 'graphrec:rl', limits.perClientPerMinute);
  const perKey = bucket(redis, 'graphrec:rl:key', limits.perKeyPerMinute);
  return {
    async consume(caller, address) {
      // Without a key the address is the client: there is no shared key to cap.
      const keyed = caller.role !== 'anonymous';
      const client = keyed ? `${caller.clientId}|${clientBucket(address)}` : clientBucket(address);
      // Both are issued in the same tick (the front sends them in one write with its cache lookup).
      const [own, shared] = await Promise.all([
        outcome(perClient.consume(client)),
        keyed ? outcome(perKey.consume(caller.clientId)) : Promise.resolve<Outcome>('allowed'),
      ]);
      if (own instanceof RateLimiterRes) {
        if (shared === 'allowed') void perKey.reward(caller.clientId, 1).catch(() => undefined);
        return refusal('client', limits.perClientPerMinute, own);
      }
      if (shared instanceof RateLimiterRes) return refusal('key', limits.perKeyPerMinute, shared);
      return null;
    },
  };
}

/** The 429 answer's body. */
export function tooManyRequests(r: RateLimited) {
  const per = r.scope === 'client' ? 'per client' : 'for this API key over all its clients';
  return {
    errors: [
      {
        message: `too many requests: at most ${r.pointsPerMinute} per minute ${per}; retry in ${r.retryAfterSeconds} s`,
        extensions: { code: 'RATE_LIMITED', scope: r.scope, retryAfterSeconds: r.retryAfterSeconds },
      },
    ],
  };
}

/**
 * The client's address. X-Forwarded-For is believed only as far as `trustedHops` proxies in front of the API
 * append to it (as express's `trust proxy` with a hop count): each trusted proxy vouches for the address left of
 * its own, and anything further left was written by the client and may be anything.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
  // Nearest first: the peer, then the addresses the proxies appended, right to left.
  const chain = [peer, ...forwarded.reverse()];
  return chain[Math.min(trustedHops, chain.length - 1)];
}

/**
 * The bucket an address falls in: an IPv4 address itself, an IPv6 address's /64 (one subscriber's network:
 * its host part is the client's to choose, so a bucket per address would be a bucket per request).
 */
export function clientBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return `ip:${mapped[1]}`;
  if (!net.isIPv6(address)) return `ip:${address}`;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `ip:${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
