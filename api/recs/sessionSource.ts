// Sessions of anonymous visitors and new users, served by the session model (training/session): the same
// scorer `bench cold-start` measures, over the tables the version stores (session.bin, session.json).
// A request is in session mode when the model has a session model, the request has events of this visit (or
// of a new account) or a page product, and the shopper has no trained row: then the session is all there is,
// and its own steps rank the page (the page's product is the latest step when its view is not in yet).
//   - Order: the events sorted by time, ties in arrival order (the Redis lists keep it; events carry no seq),
//     consecutive repeats of one product one step, as offline.
//   - A product the model does not know (newer than the version) steers by its catalogue leaf and price; one
//     the catalogue does not know either adds nothing. A session of one event is a session of one step.
//   - A session id never seen has no events: not session mode (the usual cold path answers), unless the request
//     names the product on the page.
import type { Logger } from '../../core';
import {
  readSessionModel,
  sessionRequest,
  sessionScore,
  sessionTop,
  type SessionModel,
  type SessionStep,
} from '../../model';
import type { Catalog } from '../catalog';
import type { LoadedModel } from '../model/activeModel';
import type { Candidate } from './rank';

export interface ServedSession {
  model: SessionModel;
  /** Category id -> the tables' category index. */
  categoryIndex: Map<string, number>;
}

/** How many session candidates a request ranks: the page plus room for the filters. */
export const SESSION_CANDIDATES = 200;

const byModel = new WeakMap<LoadedModel, ServedSession | null>();

/** The version's session model, read once per loaded model; none (older version, unreadable): undefined. */
export function sessionModelFor(model: LoadedModel | undefined, logger?: Logger): ServedSession | undefined {
  if (!model?.inductive.dir) return undefined;
  let s = byModel.get(model);
  if (s === undefined) {
    s = null;
    try {
      const read = readSessionModel(model.inductive.dir);
      if (read && read.model.tables.nItems !== model.itemIds.length)
        logger?.warn(
          { version: model.version, tables: read.model.tables.nItems, items: model.itemIds.length },
          'session.bin does not fit the model: sessions served without it',
        );
      else if (read)
        s = { model: read.model, categoryIndex: new Map(read.categoryIds.map((id, i) => [id, i])) };
    } catch (err) {
      logger?.warn({ err: (err as Error).message, version: model.version }, 'session model unreadable');
    }
    byModel.set(model, s);
  }
  return s ?? undefined;
}

/**
 * The visit's steps, oldest first, from events newest first (as recommend() holds them: sorted by time
 * descending, ties newest-arrived first), and the product of each step.
 */
export function visitSteps(
  s: ServedSession,
  model: LoadedModel,
  catalog: Catalog,
  newestFirst: ReadonlyArray<{ p: string }>,
): { steps: SessionStep[]; products: string[] } {
  const t = s.model.tables;
  const steps: SessionStep[] = [];
  const products: string[] = [];
  for (let k = newestFirst.length - 1; k >= 0; k--) {
    const p = newestFirst[k].p;
    if (products[products.length - 1] === p) continue;
    const row = model.itemRow.get(p);
    let step: SessionStep;
    if (row !== undefined && row < t.nItems) step = { row, leaf: t.itemLeaf[row], price: t.itemPrice[row] };
    else {
      const product = catalog.get(p);
      const leaf = product?.categoryId ? s.categoryIndex.get(product.categoryId) : undefined;
      step = { row: -1, leaf: leaf ?? -1, price: product?.price ?? NaN };
    }
    steps.push(step);
    products.push(p);
  }
  return { steps, products };
}

/**
 * The session model's candidates (its best items, `session` when a step explains them, else `popular`) and its
 * score for any product (0 for one the model does not know), which orders the page.
 */
export function sessionRanking(
  s: ServedSession,
  model: LoadedModel,
  visit: { steps: SessionStep[]; products: string[] },
  exclude: Set<string>,
): { candidates: Candidate[]; scoreOf: (productId: string) => number } {
  const req = sessionRequest(s.model, visit.steps);
  const candidates: Candidate[] = sessionTop(s.model, req, SESSION_CANDIDATES, (row) =>
    exclude.has(model.itemIds[row]),
  ).map((x) => ({
    productId: model.itemIds[x.row],
    source: x.via >= 0 ? 'session' : 'popular',
    weight: x.score,
    via: x.via >= 0 ? visit.products[x.via] : undefined,
  }));
  return {
    candidates,
    scoreOf: (productId) => {
      const row = model.itemRow.get(productId);
      return row !== undefined && row < s.model.tables.nItems ? sessionScore(s.model, req, row) : 0;
    },
  };
}
