// Shopper tokens: a token opens one shopper's data, until its expiry, and nothing else.
import { checkShopperToken, mintShopperToken } from './token';

const SECRET = 'a-secret-of-at-least-32-characters-0001';
const NOW = Date.parse('2026-12-01T10:00:00Z');

describe('shopper tokens', () => {
  const token = mintShopperToken(SECRET, 'u42', 300, NOW);

  it('has the documented form and opens its own user until it expires', () => {
    expect(token).toMatch(/^v1\.dTQy\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(checkShopperToken(SECRET, token, 'u42', NOW, 900)).toEqual({
      ok: true,
      userId: 'u42',
      expiresAt: NOW + 300_000,
    });
    expect(checkShopperToken(SECRET, token, 'u42', NOW + 299_000, 900).ok).toBe(true);
    expect(checkShopperToken(SECRET, token, 'u42', NOW + 300_000, 900)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses another user, another secret, a tampered user or expiry, junk, and no secret', () => {
    expect(checkShopperToken(SECRET, token, 'u43', NOW, 900)).toEqual({ ok: false, reason: 'wrong-user' });
    expect(checkShopperToken(`${SECRET}x`, token, 'u42', NOW, 900)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const [v, , exp, sig] = token.split('.');
    const otherUser = [v, Buffer.from('u43').toString('base64url'), exp, sig].join('.');
    expect(checkShopperToken(SECRET, otherUser, 'u43', NOW, 900)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const later = [v, token.split('.')[1], String(Number(exp) + 3600), sig].join('.');
    expect(checkShopperToken(SECRET, later, 'u42', NOW, 900)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(checkShopperToken(SECRET, 'v1.x.y.z', 'u42', NOW, 900)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(checkShopperToken(SECRET, `${token}.`, 'u42', NOW, 900)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(checkShopperToken(null, token, 'u42', NOW, 900)).toEqual({ ok: false, reason: 'no-secret' });
  });

  it('refuses a signed token that lives longer than the server allows', () => {
    const long = mintShopperToken(SECRET, 'u42', 7200, NOW);
    expect(checkShopperToken(SECRET, long, 'u42', NOW, 900)).toEqual({ ok: false, reason: 'too-long' });
  });
});
