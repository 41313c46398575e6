// Who may read a shopper's data: an admin key, or a token naming that shopper; never the storefront key or no
// key, whatever the key configuration (with no key configured every caller is anonymous, and still refused).
import { mintShopperToken } from '../privacy';
import type { ApiContext } from './context';
import type { Explanation } from './recs/recommend';
import { shopperAccess, withoutHistory } from './shopperAccess';

const SECRET = 'a-secret-of-at-least-32-characters-0001';
const NOW = Date.parse('2026-12-01T10:00:00Z');

const ctx = (role: 'anonymous' | 'public' | 'admin', tokenSecret: string | null = SECRET) =>
  ({
    caller: { role, clientId: 'c' },
    isAdmin: role === 'admin',
    services: { config: { privacy: { tokenSecret, tokenMaxTtlSeconds: 900 } } },
  }) as unknown as ApiContext;

describe('shopperAccess', () => {
  const token = mintShopperToken(SECRET, 'u1', 300, NOW);

  it('lets an admin key in, and a token naming the user with any key or none', () => {
    expect(shopperAccess(ctx('admin'), 'u1', undefined, NOW)).toEqual({ ok: true });
    expect(shopperAccess(ctx('public'), 'u1', token, NOW)).toEqual({ ok: true });
    expect(shopperAccess(ctx('anonymous'), 'u1', token, NOW)).toEqual({ ok: true });
  });

  it('refuses the storefront key and no key (development mode) without a token, and a token for someone else', () => {
    const refused = {
      ok: false,
      message:
        "a user's personal data needs an admin key or a shopper token that names that user (shopperToken)",
      field: 'shopperToken',
    };
    expect(shopperAccess(ctx('public'), 'u1', undefined, NOW)).toEqual(refused);
    expect(shopperAccess(ctx('anonymous'), 'u1', null, NOW)).toEqual(refused);
    expect(shopperAccess(ctx('public'), 'u2', token, NOW)).toEqual({
      ok: false,
      message: 'the shopper token names another user',
      field: 'shopperToken',
    });
    expect(shopperAccess(ctx('public', null), 'u1', token, NOW)).toMatchObject({
      ok: false,
      message: 'shopper tokens are not enabled on this server (PRIVACY_TOKEN_SECRET is not set)',
    });
  });
});

describe('withoutHistory', () => {
  const who = { kind: 'User' as const, id: 'u1', name: null, rel: 'PURCHASED' };
  const seed = { kind: 'Product' as const, id: 'p0', name: 'Lamp', rel: 'BOUGHT_TOGETHER_WITH' };
  const target = { kind: 'Product' as const, id: 'p1', name: 'Mug', rel: null };

  it("drops the shopper's events and verbs, and keeps explanations that name none", () => {
    const given: Explanation[] = [
      {
        source: 'copurchase',
        text: 'Bought together with Lamp (you bought Lamp)',
        path: [who, seed, target],
      },
      { source: 'embedding', text: 'Matches your taste', path: [{ ...who, rel: 'SIMILAR_TASTE' }, target] },
    ];
    expect(withoutHistory(given)).toEqual([
      {
        source: 'copurchase',
        text: 'Often bought together with items this shopper interacted with',
        path: [{ ...who, rel: 'RELATED_TO' }, target],
      },
      given[1],
    ]);
  });
});
