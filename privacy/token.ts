// Shopper tokens: a short-lived capability that names one shopper, so the storefront (whose API key every browser
// carries) can show that shopper their own data and nobody else's. The shop's backend mints one when the shopper
// signs in (`graphrec users token ID`, the admin mutation `shopperToken`, or by itself from the format below) and
// hands it to that shopper's browser.
//
// Format: `v1.<base64url(userId)>.<expiry, epoch seconds>.<base64url(HMAC-SHA256(secret, "graphrec-shopper-v1\n" +
// userId + "\n" + expiry))>`. The user id is inside the signed text, so a token for one shopper cannot be replayed
// for another; the expiry too, so it cannot be extended. docs/privacy.md has a worked example.
import crypto from 'node:crypto';

const VERSION = 'v1';
const DOMAIN = 'graphrec-shopper-v1';

export type TokenCheck =
  | { ok: true; userId: string; expiresAt: number }
  | {
      ok: false;
      reason: 'no-secret' | 'malformed' | 'bad-signature' | 'expired' | 'wrong-user' | 'too-long';
    };

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function signature(secret: string, userId: string, expiry: number): string {
  return b64(crypto.createHmac('sha256', secret).update(`${DOMAIN}\n${userId}\n${expiry}`).digest());
}

/** A token for `userId` valid until `nowMs + ttlSeconds` (whole seconds). */
export function mintShopperToken(secret: string, userId: string, ttlSeconds: number, nowMs: number): string {
  const expiry = Math.floor(nowMs / 1000) + Math.floor(ttlSeconds);
  return `${VERSION}.${b64(userId)}.${expiry}.${signature(secret, userId, expiry)}`;
}

/**
 * Whether `token` lets its bearer read `userId`'s data at `nowMs`. A token that lives longer than `maxTtlSeconds`
 * from now is refused even when signed: the shop's own minting must keep tokens short.
 */
export function checkShopperToken(
  secret: string | null,
  token: string,
  userId: string,
  nowMs: number,
  maxTtlSeconds: number,
): TokenCheck {
  if (!secret) return { ok: false, reason: 'no-secret' };
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !/^\d{1,12}$/.test(parts[2]))
    return { ok: false, reason: 'malformed' };
  const named = Buffer.from(parts[1], 'base64url').toString('utf8');
  const expiry = Number(parts[2]);
  const expected = Buffer.from(signature(secret, named, expiry));
  const given = Buffer.from(parts[3]);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad-signature' };
  if (named !== userId) return { ok: false, reason: 'wrong-user' };
  const now = Math.floor(nowMs / 1000);
  if (expiry <= now) return { ok: false, reason: 'expired' };
  if (expiry - now > maxTtlSeconds) return { ok: false, reason: 'too-long' };
  return { ok: true, userId, expiresAt: expiry * 1000 };
}

/** What a refused token is told (never which part of the signature failed). */
export const TOKEN_REFUSALS: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  'no-secret': 'shopper tokens are not enabled on this server (PRIVACY_TOKEN_SECRET is not set)',
  malformed: 'the shopper token is not of the form v1.<user>.<expiry>.<signature>',
  'bad-signature': 'the shopper token is not valid',
  expired: 'the shopper token has expired',
  'wrong-user': 'the shopper token names another user',
  'too-long': 'the shopper token lives longer than PRIVACY_TOKEN_MAX_TTL_S allows',
};
