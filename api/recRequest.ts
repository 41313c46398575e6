// A `recommendations` request, prepared: its arguments validated, the variant and model that serve it, and the
// result cache's key parts. The resolver and the pre-rendered fast path (prerendered.ts) share it, so both find
// the same cache entries; and the shaping of a served result and its exposure log, which both do per response.
import crypto from 'node:crypto';
import { sessionSubject, userSubject } from '../events';
import type { RecResult } from './recs/recommend';
import type { LoadedModel } from './model/activeModel';
import type { Services } from './services';
import {
  checkFirst,
  optionalId,
  parseContext,
  parseFilter,
  type Context,
  type ContextInput,
  type RecFilter,
  type RecFilterInput,
} from './validate';
import type { Variant } from './variant';

export interface PreparedRec {
  userId: string | null;
  sessionId: string | null;
  first: number;
  context: Context;
  filter: RecFilter;
  explain: boolean;
  variant: Variant;
  model: LoadedModel | undefined;
  /** The version the variant pins when it is not loaded yet (the active model serves meanwhile), else null. */
  pinnedMissing: string | null;
  /** The cache's subjects (their generations are part of the key), prefix and suffix (cache.ts). */
  subjects: string[];
  cachePrefix: string;
  shape: string;
}

/** Validate the arguments (a typed BAD_USER_INPUT names the field) and pick the variant and model. */
export function prepareRec(services: Services, args: Record<string, unknown>, now: number): PreparedRec {
  const userId = optionalId(args.userId, 'userId');
  const sessionId = optionalId(args.sessionId, 'sessionId');
  const first = checkFirst(args.first, services.config.serving.maxFirst);
  const context = parseContext(args.context as ContextInput | null, now);
  const filter = parseFilter(args.filter as RecFilterInput | null);
  const explain = Boolean(args.explain);
  const variant = services.chooseVariant({ userId, sessionId });
  let model = services.model.current();
  // A variant that pins a model version is served by that version's embeddings. Until it is loaded the active
  // model serves, the result says so, and the response is not logged as the variant's exposure.
  let pinnedMissing: string | null = null;
  if (variant.modelVersion && variant.modelVersion !== model?.version) {
    const pinned = services.pinnedModels.get(variant.modelVersion);
    if (pinned) model = pinned;
    else {
      pinnedMissing = variant.modelVersion;
      services.pinnedModels.ensure([variant.modelVersion]);
    }
  }
  const subjects = [
    ...(userId ? [userSubject(userId)] : []),
    ...(sessionId ? [sessionSubject(sessionId)] : []),
  ];
  const day = Math.floor(context.ts / 86_400_000);
  const shape = crypto
    .createHash('sha1')
    .update(
      JSON.stringify([
        userId,
        sessionId,
        day,
        context.device,
        context.page,
        context.productId,
        first,
        filter,
        explain,
      ]),
    )
    .digest('hex')
    .slice(0, 20);
  return {
    userId,
    sessionId,
    first,
    context,
    filter,
    explain,
    variant,
    model,
    pinnedMissing,
    subjects,
    cachePrefix: `${model?.version ?? 'none'}:${variant.experimentId ?? '-'}:${variant.name}`,
    shape,
  };
}

const upper = (s: string) => s.toUpperCase();

/** The `Recommendations` object a response serves: its own recId, whether it came from the cache. */
export function servedResult(prep: PreparedRec, value: RecResult, recId: string, cached: boolean) {
  return {
    ...value,
    recId,
    degraded: value.degraded || prep.pinnedMissing !== null,
    degradedReasons: prep.pinnedMissing
      ? [
          ...value.degradedReasons,
          `variant ${prep.variant.name} pins model ${prep.pinnedMissing}, which is not loaded: the active model served`,
        ]
      : value.degradedReasons,
    variant: prep.variant.name,
    cached,
    items: value.items.map((it) => ({ ...it, sources: it.sources.map(upper) })),
  };
}

/** Count the items per candidate source: one metric increment per source, not per item. */
export function sourceCounts(value: RecResult): Array<[string, number]> {
  const perSource = new Map<string, number>();
  for (const it of value.items) for (const s of it.sources) perSource.set(s, (perSource.get(s) ?? 0) + 1);
  return [...perSource];
}

/** Every response is one exposure of its variant (cached or not); outcomes quote its recId. */
export function logExposure(
  services: Services,
  prep: PreparedRec,
  recId: string,
  itemIds: string[],
  startedMs: number,
): void {
  const { variant } = prep;
  if (!variant.experimentId || !variant.unitId || prep.pinnedMissing) return;
  services.experiments.recordExposure({
    recId,
    experimentId: variant.experimentId,
    variant: variant.name,
    unitId: variant.unitId,
    latencyMs: performance.now() - startedMs,
    itemIds,
    catalogSize: services.catalog.size(),
  });
}
