// Run a Lua script by its hash (EVALSHA); the script text goes over the wire only when Redis does not know it
// yet (NOSCRIPT: first use, or after a restart or SCRIPT FLUSH). Our scripts run on every trackEvents and
// every cached read, so this saves sending a kilobyte per call.
import crypto from 'node:crypto';
import type Redis from 'ioredis';

export interface RedisScript {
  lua: string;
  sha: string;
}

export const redisScript = (lua: string): RedisScript => ({
  lua,
  sha: crypto.createHash('sha1').update(lua).digest('hex'),
});

export async function runScript(
  redis: Redis,
  script: RedisScript,
  keys: string[],
  args: string[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
    return await redis.eval(script.lua, keys.length, ...keys, ...args);
  }
}
