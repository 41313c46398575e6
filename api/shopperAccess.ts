// Who may see a shopper's personal data (docs/privacy.md): an admin key, or a shopper token that names that
// shopper (privacy/token.ts). The storefront key is public (every browser carries it) and so is no key at all:
// neither reads anyone's data, whatever the server's key configuration. Explanations follow the same rule: the
// events they name ("because you bought X") are that shopper's history.
import { checkShopperToken, TOKEN_REFUSALS } from '../privacy';
import type { ApiContext } from './context';
import { apiError } from './errors';
import type { Explanation, PathStep } from './recs/recommend';

export type Access = { ok: true } | { ok: false; message: string; field: string };

export function shopperAccess(ctx: ApiContext, userId: string, token: unknown, now: number): Access {
  if (ctx.isAdmin) return { ok: true };
  if (typeof token === 'string' && token !== '') {
    const { tokenSecret, tokenMaxTtlSeconds } = ctx.services.config.privacy;
    const check = checkShopperToken(tokenSecret, token, userId, now, tokenMaxTtlSeconds);
    return check.ok
      ? { ok: true }
      : { ok: false, message: TOKEN_REFUSALS[check.reason], field: 'shopperToken' };
  }
  return {
    ok: false,
    message:
      "a user's personal data needs an admin key or a shopper token that names that user (shopperToken)",
    field: 'shopperToken',
  };
}

/** Throw the typed FORBIDDEN unless the caller may read `userId`'s data. */
export function requireShopperAccess(ctx: ApiContext, userId: string, token: unknown, now: number): void {
  const access = shopperAccess(ctx, userId, token, now);
  if (!access.ok) throw apiError('FORBIDDEN', access.message, { field: access.field });
}

/** What an explanation that rests on the shopper's own events says to a caller who may not see those events. */
const WITHOUT_HISTORY: Partial<Record<Explanation['source'], string>> = {
  copurchase: 'Often bought together with items this shopper interacted with',
  coview: 'Viewed in the same sessions as items this shopper interacted with',
  session: 'Viewed in the same sessions as items this shopper interacted with',
  category: 'In the same category as items this shopper interacted with',
  // A cold user's segment text says which of their demographics are known.
  segment: 'Popular with similar shoppers',
};

/**
 * The explanations without the shopper's events: no seed product and no verb of what they did, only the source.
 * Explanations that name nothing of the shopper (embedding, popular) are kept as they are.
 */
export function withoutHistory(explanations: Explanation[]): Explanation[] {
  return explanations.map((e) => {
    const text = WITHOUT_HISTORY[e.source];
    if (text === undefined) return e;
    const who = e.path[0];
    const target = e.path[e.path.length - 1];
    const path: PathStep[] = [{ ...who, rel: 'RELATED_TO' }, target];
    return { source: e.source, text, path };
  });
}
