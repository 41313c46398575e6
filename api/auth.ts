// API keys. The storefront uses a public key (reads and trackEvents); operators use an admin key (model
// reload, experiments, the job dashboard). Keys come from config (API_PUBLIC_KEYS, API_ADMIN_KEYS). With no
// public keys configured the storefront surface is open (local development); admin always needs a key.
import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../core';

export type Role = 'anonymous' | 'public' | 'admin';

export interface Caller {
  role: Role;
  /** Who to rate-limit: a hash of the key, or the client address. */
  clientId: string;
}

export type AuthResult = { ok: true; caller: Caller } | { ok: false; status: 401; message: string };

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

export function authenticate(api: Config['api'], key: string | undefined, address: string): AuthResult {
  const hash = (k: string) => `key:${crypto.createHash('sha256').update(k).digest('hex').slice(0, 16)}`;
  if (key !== undefined) {
    if (api.adminKeys.some((k) => same(k, key)))
      return { ok: true, caller: { role: 'admin', clientId: hash(key) } };
    if (api.publicKeys.some((k) => same(k, key)))
      return { ok: true, caller: { role: 'public', clientId: hash(key) } };
    return { ok: false, status: 401, message: 'the API key is not valid' };
  }
  if (api.publicKeys.length > 0) {
    return {
      ok: false,
      status: 401,
      message: 'an API key is required (header x-api-key or Authorization: Bearer)',
    };
  }
  return { ok: true, caller: { role: 'anonymous', clientId: `ip:${address}` } };
}

/** The caller, as attached to the response by the auth middleware. */
export const callerOf = (res: { locals: Record<string, unknown> }): Caller => res.locals.caller as Caller;

export function authMiddleware(api: Config['api']) {
  return (req: Request, res: Response, next: NextFunction) => {
    const result = authenticate(api, presentedKey(req), req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (!result.ok) {
      res
        .status(result.status)
        .json({ errors: [{ message: result.message, extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    res.locals.caller = result.caller;
    next();
  };
}

/**
 * Express middleware for admin-only routes (the ops engineer mounts bull-board under /admin/queues behind
 * it): 401 without a valid key, 403 with a storefront key.
 */
export function requireAdmin(api: Config['api']) {
  return (req: Request, res: Response, next: NextFunction) => {
    const result = authenticate(api, presentedKey(req), req.ip ?? 'unknown');
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
