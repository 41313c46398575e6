// The refresh lock: one Redis key, set with NX and a TTL, holding the run id that owns it. Stages renew it;
// release is compare-and-delete (a Lua script) so a run never frees a lock another run holds. A worker killed
// mid-run keeps the lock until the TTL expires or the run is resumed and finishes.
import type Redis from 'ioredis';

export const DEFAULT_LOCK_TTL_MS = 2 * 60 * 60 * 1000;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface RefreshLock {
  key: string;
  /** Take the lock for `owner`; returns the current holder when someone else has it. */
  acquire(owner: string, ttlMs?: number): Promise<{ acquired: boolean; holder: string | null }>;
  /** Extend the TTL if `owner` still holds it. */
  renew(owner: string, ttlMs?: number): Promise<boolean>;
  release(owner: string): Promise<boolean>;
  holder(): Promise<string | null>;
}

export function refreshLock(redis: Redis, prefix: string): RefreshLock {
  const key = `${prefix}:refresh:lock`;
  return {
    key,
    async acquire(owner, ttlMs = DEFAULT_LOCK_TTL_MS) {
      const ok = await redis.set(key, owner, 'PX', ttlMs, 'NX');
      if (ok === 'OK') return { acquired: true, holder: owner };
      const holder = await redis.get(key);
      // Re-entrant: the same run resuming after a crash keeps its lock.
      if (holder === owner) {
        await redis.pexpire(key, ttlMs);
        return { acquired: true, holder };
      }
      return { acquired: false, holder };
    },
    async renew(owner, ttlMs = DEFAULT_LOCK_TTL_MS) {
      return Number(await redis.eval(RENEW, 1, key, owner, String(ttlMs))) === 1;
    },
    async release(owner) {
      return Number(await redis.eval(RELEASE, 1, key, owner)) === 1;
    },
    holder: () => redis.get(key),
  };
}
