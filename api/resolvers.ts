// GraphQL resolvers: validate the arguments (validate.ts), call into the recommender, shape the results.
// Domain errors thrown here are translated at the edge by errors.ts.
import crypto from 'node:crypto';
import { EVENT_TYPE_FOR, notFound, unavailable, type EventRel } from '../core';
import { appendEvents, RedisFullError } from '../events';
import { outcomesOf, recIdsOf, tagWithExposures } from './attribution';
import type { ApiContext } from './context';
import { apiError } from './errors';
import { refuseUnknownUsers } from './knownUsers';
import { definitionFromInput, experimentOut, type ExperimentInput } from './experimentsInput';
import { forgottenOf } from './forgotten';
import { idOnlyProduct, type CategoryRow, type ProductRow, type UserEventRow, type UserRow } from './loaders';
import { snapshotMaxAgeMs } from './recs/history';
import { recommend, type RecResult } from './recs/recommend';
import { logExposure, prepareRec, servedResult, sourceCounts } from './recRequest';
import { WINDOW_MS, type TrendWindow } from './recs/popularity';
import { similarProducts } from './recs/similar';
import { requireShopperAccess, shopperAccess, withoutHistory } from './shopperAccess';
import { forgetUser, mintShopperToken } from '../privacy';
import { checkFirst, checkId, optionalId, parseEvents, type EventInput } from './validate';

type Args = Record<string, unknown>;
const upper = (s: string) => s.toUpperCase();

function requireAdmin(ctx: ApiContext): void {
  if (ctx.caller.role === 'anonymous') throw apiError('UNAUTHENTICATED', 'an admin API key is required');
  if (!ctx.isAdmin) throw apiError('FORBIDDEN', 'this API key may not use admin operations');
}

function modelStatus(ctx: ApiContext) {
  const s = ctx.services.model.state();
  const m = ctx.services.model.current();
  return {
    phase: s.phase,
    version: m?.version ?? null,
    loadedAt: m ? new Date(m.loadedAt).toISOString() : null,
    items: m?.table.nItems ?? null,
    users: m ? m.users.length / m.dims : null,
    error: s.phase === 'failed' ? s.error : s.phase === 'none' ? s.reason : null,
  };
}

const productOf = (ctx: ApiContext, id: string) => ctx.services.catalog.get(id);

/**
 * The product of a ranked item, from the in-memory catalogue (the snapshot the filters used; a cache hit then
 * costs no Neo4j query), synchronously: graphql-js then completes the item without a promise (20 fewer promises
 * and microtask turns per page). A product the catalogue does not know yet is looked up in Neo4j. The item was
 * ranked against a catalogue that knew it, but maybe another replica's (a cached answer) while this one cannot
 * reach Neo4j and has not loaded its own: answer with the id and no details rather than fail the whole page on
 * a non-null field.
 */
function rankedProduct(
  it: { productId: string },
  _: Args,
  ctx: ApiContext,
): ProductRow | Promise<ProductRow> {
  const known = ctx.services.catalog.details(it.productId);
  if (known) return known;
  return ctx.loaders.product.load(it.productId).then((p) => p ?? idOnlyProduct(it.productId));
}

export const resolvers = {
  Query: {
    async recommendations(_: unknown, args: Args, ctx: ApiContext) {
      // Rendering an answer for the pre-rendered cache (prerendered.ts): the result is given.
      if (ctx.prerendering) return ctx.prerendering;
      const { services } = ctx;
      const started = performance.now();
      // A forgotten shopper (privacy/) is nobody: their id is dropped before anything is looked up for it.
      const askedUser = optionalId(args.userId, 'userId');
      if (askedUser !== null) {
        // Synchronous once the list is loaded: no extra turn of the event loop per request.
        const forgotten = forgottenOf(services).check(askedUser);
        if (forgotten === true || (forgotten !== false && (await forgotten)))
          args = { ...args, userId: null };
      }
      const prep = prepareRec(services, args, Date.now());
      ctx.variant = prep.variant.name;
      const model = prep.model;
      // The fast path's lookup of this very key (prerendered.ts), when it made one: the entry or, on a miss, the
      // recent lists come from it, and Redis is not asked again.
      const pre = ctx.prefetched;
      const known =
        pre && pre.prefix === prep.cachePrefix && pre.shape === prep.shape ? pre.lookup : undefined;
      const { value, hit, key } = await services.cache.getOrCompute<RecResult>(
        prep.subjects,
        prep.cachePrefix,
        prep.shape,
        () =>
          recommend(
            {
              graph: services.graph,
              graphBreaker: services.graphBreaker,
              redis: services.redis,
              catalog: services.catalog,
              popularity: services.popularity,
              seedNeighbours: services.seedNeighbours,
              historyMaxAgeMs: snapshotMaxAgeMs(services.appendOptions.recentTtlSeconds),
              model: { current: () => model },
              logger: services.logger,
            },
            {
              userId: prep.userId,
              sessionId: prep.sessionId,
              context: prep.context,
              first: prep.first,
              filter: prep.filter,
              explain: prep.explain,
              ranker: prep.variant.ranker,
              recentLists: known?.recent ?? undefined,
            },
          ),
        known,
      );
      for (const [source, n] of sourceCounts(value)) services.metrics.candidates.inc({ source }, n);
      const recId = crypto.randomUUID();
      logExposure(
        services,
        prep,
        recId,
        value.items.map((it) => it.productId),
        started,
      );
      // Explanations for a user depend on who asks (shopperAccess.ts): such answers are never pre-rendered (a
      // pre-rendered answer is shared by every caller), and those for a caller who may not see the user's
      // events leave the events out.
      const perCaller = prep.explain && prep.userId !== null;
      const shown =
        perCaller && !shopperAccess(ctx, prep.userId!, args.shopperToken, Date.now()).ok
          ? {
              ...value,
              items: value.items.map((it) => ({
                ...it,
                explanation: it.explanation && withoutHistory(it.explanation),
              })),
            }
          : value;
      // A whole answer is pre-rendered when its result is asked for again (a first hit): a result served once
      // (most misses) is not worth rendering twice. Only complete results are.
      if (
        ctx.prerender &&
        !perCaller &&
        hit &&
        key !== undefined &&
        !value.degraded &&
        prep.pinnedMissing === null
      ) {
        ctx.prerender(key, value, (placeholder) => servedResult(prep, value, placeholder, true));
      }
      return servedResult(prep, shown, recId, hit);
    },

    async similarProducts(_: unknown, args: Args, ctx: ApiContext) {
      const { services } = ctx;
      const productId = checkId(args.productId, 'productId');
      const first = checkFirst(args.first, services.config.serving.maxFirst);
      const model = services.model.current();
      if (!productOf(ctx, productId) && !model?.itemRow.has(productId)) {
        try {
          await services.graphBreaker.run(() => services.catalog.ensure([productId]));
        } catch {
          // Neo4j down: we cannot tell; an empty, degraded answer follows.
        }
        if (!productOf(ctx, productId) && !services.graphBreaker.isOpen()) {
          throw notFound(`no product with id ${JSON.stringify(productId)}`, { field: 'productId' });
        }
      }
      const res = await similarProducts(
        {
          graph: services.graph,
          graphBreaker: services.graphBreaker,
          catalog: services.catalog,
          vectorIndex: services.config.serving.vectorIndex,
        },
        model,
        productId,
        first,
      );
      return {
        productId,
        modelVersion: model?.version ?? null,
        degraded: res.degraded,
        items: res.items.map((i) => ({ ...i, source: upper(i.source) })),
      };
    },

    async trending(_: unknown, args: Args, ctx: ApiContext) {
      const { services } = ctx;
      const categoryId = optionalId(args.categoryId, 'categoryId');
      const window = (args.window ?? 'WEEK') as TrendWindow;
      if (!(window in WINDOW_MS))
        throw apiError('BAD_USER_INPUT', '`window` must be DAY, WEEK or MONTH', { field: 'window' });
      const first = checkFirst(args.first, services.config.serving.maxFirst);
      if (categoryId && services.catalog.loaded() && !services.catalog.category(categoryId)) {
        throw notFound(`no category with id ${JSON.stringify(categoryId)}`, { field: 'categoryId' });
      }
      let anchor = Date.now();
      let items;
      try {
        anchor = await services.graphBreaker.run(() => services.popularity.anchorFor(Date.now()));
        items = await services.graphBreaker.run(() => services.popularity.top(window, anchor));
      } catch (err) {
        items = services.popularity.lastKnown();
        if (items.length === 0) throw unavailable('trending needs Neo4j, which is unavailable', err);
      }
      const out = items
        .filter((it) => {
          const p = services.catalog.get(it.productId);
          return p !== undefined && p.inStock && (!categoryId || p.categoryPath.includes(categoryId));
        })
        .slice(0, first);
      return { window, categoryId, anchor: new Date(anchor).toISOString(), items: out };
    },

    product: (_: unknown, args: Args, ctx: ApiContext) => ctx.loaders.product.load(checkId(args.id, 'id')),
    products: (_: unknown, args: Args, ctx: ApiContext) => {
      const ids = (args.ids as unknown[]).map((id, i) => checkId(id, `ids[${i}]`));
      if (ids.length > ctx.services.config.serving.maxFirst) {
        throw apiError(
          'BAD_USER_INPUT',
          `\`ids\` must hold at most ${ctx.services.config.serving.maxFirst} ids, but got: ${ids.length}`,
          {
            field: 'ids',
          },
        );
      }
      return ctx.loaders.product.loadMany(ids);
    },
    // Personal data: admin keys, or a shopper token naming this user (shopperAccess.ts); a forgotten user is null.
    async user(_: unknown, args: Args, ctx: ApiContext) {
      const id = checkId(args.id, 'id');
      requireShopperAccess(ctx, id, args.shopperToken, Date.now());
      return (await forgottenOf(ctx.services).check(id)) ? null : ctx.loaders.user.load(id);
    },
    category: (_: unknown, args: Args, ctx: ApiContext) => ctx.loaders.category.load(checkId(args.id, 'id')),
    modelStatus: (_: unknown, _args: Args, ctx: ApiContext) => {
      requireAdmin(ctx);
      return modelStatus(ctx);
    },
    async experiments(_: unknown, _args: Args, ctx: ApiContext) {
      requireAdmin(ctx);
      return (await ctx.services.experiments.store.list()).map(experimentOut);
    },
  },

  Mutation: {
    async trackEvents(_: unknown, args: Args, ctx: ApiContext) {
      const { services } = ctx;
      const events = parseEvents(
        args.events as EventInput[],
        services.config.serving.maxEventBatch,
        Date.now(),
      );
      // Unknown products are refused while the graph can tell; when Neo4j is down they are accepted and the
      // consumer dead-letters them (events/consumer.ts), so the storefront never loses events to an outage.
      const unknown = [...new Set(events.map((e) => e.productId))].filter((p) => !services.catalog.get(p));
      if (unknown.length > 0) {
        let checked = false;
        try {
          await services.graphBreaker.run(() => services.catalog.ensure(unknown));
          checked = true;
        } catch {
          checked = false;
        }
        if (checked) {
          const i = events.findIndex((e) => !services.catalog.get(e.productId));
          if (i >= 0) {
            throw notFound(`no product with id ${JSON.stringify(events[i].productId)}`, {
              field: `events[${i}].productId`,
            });
          }
        }
      }
      // An event never creates a user: unknown user ids are refused like unknown products (api/knownUsers.ts).
      await refuseUnknownUsers(services.graph, services.graphBreaker, events);
      // One read of the exposures the batch's recIds name, before the append: it tags each event with its
      // experiment and variant and feeds attribution below. It reads the Redis the append writes to, so when it
      // fails nothing is stored and the answer is the append's: the storefront retries with the same keys.
      let exposures;
      let res;
      try {
        exposures = await services.experiments.lookupExposures(recIdsOf(events));
        res = await appendEvents(
          services.eventsRedis,
          tagWithExposures(events, exposures),
          services.appendOptions,
        );
      } catch (err) {
        // A full Redis is its own answer (and an operator's problem): say so, and log it.
        if (err instanceof RedisFullError) {
          services.logger.error({ err: (err.cause as Error)?.message }, 'trackEvents: Redis is full');
          throw err;
        }
        throw unavailable(
          'events cannot be stored right now (Redis is unavailable); retry with the same idempotency keys',
          err,
        );
      }
      // Duplicates are attributed too: attribution has its own idempotency marker, so a retry after a failure
      // here counts the event exactly once.
      const outcomes = outcomesOf(events, (id) => services.catalog.get(id)?.price);
      if (outcomes.length > 0) {
        try {
          await services.experiments.attribute(outcomes, exposures);
        } catch (err) {
          throw unavailable(
            'the events were stored but their experiment outcomes could not be counted; retry with the same idempotency keys',
            err,
          );
        }
      }
      return {
        accepted: res.accepted.length,
        duplicates: res.duplicates.length,
        acceptedKeys: res.accepted,
        duplicateKeys: res.duplicates,
      };
    },
    async createExperiment(_: unknown, args: Args, ctx: ApiContext) {
      requireAdmin(ctx);
      return experimentOut(
        await ctx.services.experiments.create(definitionFromInput(args.input as ExperimentInput)),
      );
    },
    async stopExperiment(_: unknown, args: Args, ctx: ApiContext) {
      requireAdmin(ctx);
      return experimentOut(await ctx.services.experiments.stop(checkId(args.id, 'id')));
    },
    async forgetUser(_: unknown, args: Args, ctx: ApiContext) {
      requireAdmin(ctx);
      const id = checkId(args.id, 'id');
      const { services } = ctx;
      const s = await forgetUser(
        { graph: services.graph, redis: services.redis, logger: services.logger },
        id,
        {
          stream: services.config.events.stream,
          experimentsPrefix: services.config.experiments.prefix,
          operator: `api:${ctx.caller.clientId}`,
          now: Date.now(),
        },
      );
      await forgottenOf(services).refresh();
      return { subjectHash: s.subjectHash, found: s.found, at: s.at, ...s.graph, ...s.redis };
    },
    shopperToken(_: unknown, args: Args, ctx: ApiContext) {
      requireAdmin(ctx);
      const userId = checkId(args.userId, 'userId');
      const { tokenSecret, tokenMaxTtlSeconds } = ctx.services.config.privacy;
      if (!tokenSecret)
        throw apiError('BAD_USER_INPUT', 'shopper tokens are not enabled: set PRIVACY_TOKEN_SECRET', {
          field: 'userId',
        });
      const ttl = args.ttlSeconds ?? tokenMaxTtlSeconds;
      if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > tokenMaxTtlSeconds)
        throw apiError(
          'BAD_USER_INPUT',
          `\`ttlSeconds\` must be an integer in [1, ${tokenMaxTtlSeconds}], but got: ${String(ttl)}`,
          { field: 'ttlSeconds' },
        );
      const now = Date.now();
      const token = mintShopperToken(tokenSecret, userId, ttl, now);
      const expiry = Number(token.split('.')[2]) * 1000;
      return { userId, token, expiresAt: new Date(expiry).toISOString() };
    },
    async reloadModel(_: unknown, _args: Args, ctx: ApiContext) {
      requireAdmin(ctx);
      await ctx.services.model.refresh();
      return modelStatus(ctx);
    },
  },

  RecItem: { product: rankedProduct },
  SimilarItem: { product: rankedProduct },
  TrendingItem: { product: rankedProduct },
  Explanation: { source: (e: { source: string }) => upper(e.source) },
  Product: {
    launchedAt: (p: ProductRow) => (p.launchedAt == null ? null : new Date(p.launchedAt).toISOString()),
    category: (p: ProductRow, _: Args, ctx: ApiContext) =>
      p.categoryId ? ctx.loaders.category.load(p.categoryId) : null,
    brand: (p: ProductRow) => p.brand,
    async boughtTogether(p: ProductRow, args: Args, ctx: ApiContext) {
      const first = checkFirst(args.first, ctx.services.config.serving.maxFirst);
      const ids = (await ctx.loaders.boughtTogether.load(p.id)).slice(0, first);
      return (await ctx.loaders.product.loadMany(ids)).filter(
        (r): r is ProductRow => r !== null && !(r instanceof Error),
      );
    },
  },
  Category: {
    parent: (c: CategoryRow, _: Args, ctx: ApiContext) =>
      c.parentId ? ctx.loaders.category.load(c.parentId) : null,
    async children(c: CategoryRow, _: Args, ctx: ApiContext) {
      const ids = await ctx.loaders.children.load(c.id);
      return (await ctx.loaders.category.loadMany(ids)).filter(
        (r): r is CategoryRow => r !== null && !(r instanceof Error),
      );
    },
    async products(c: CategoryRow, args: Args, ctx: ApiContext) {
      const first = checkFirst(args.first, ctx.services.config.serving.maxFirst);
      const ids = (await ctx.loaders.categoryProducts.load(c.id)).slice(0, first);
      return (await ctx.loaders.product.loadMany(ids)).filter(
        (r): r is ProductRow => r !== null && !(r instanceof Error),
      );
    },
  },
  User: {
    async recentEvents(u: UserRow, args: Args, ctx: ApiContext) {
      const first = checkFirst(args.first, ctx.services.config.serving.maxFirst);
      const events = (await ctx.loaders.userEvents.load(u.id)).slice(0, first);
      return events.map((e: UserEventRow) => ({
        type: (EVENT_TYPE_FOR[e.type as EventRel] ?? 'view').toUpperCase(),
        productId: e.productId,
        timestamp: new Date(e.ts).toISOString(),
        sessionId: e.sessionId,
      }));
    },
  },
  UserEvent: {
    product: (e: { productId: string }, _: Args, ctx: ApiContext) => ctx.loaders.product.load(e.productId),
  },
};

export type { CategoryRow, ProductRow, UserRow };
export { modelStatus };
