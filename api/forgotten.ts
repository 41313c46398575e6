// The forgotten shoppers as this API process honours them (privacy/): a forgotten user id is served as nobody
// (user() is null, recommendations are a session's or popularity) even when the shop's next ETL load brought the
// User node back, and the model rows and history snapshot of the version that still knows them are never used.
// Read from the graph once and then every REFRESH_MS (an erasure run from the CLI reaches every replica within
// that); an erasure through this process's `forgetUser` is honoured at once.
//
// Until a replica has read a new marker it may still answer for that shopper from its model's rows, and cache
// the answer, which the pre-rendered fast path would then serve without asking the resolver. So a replica that
// learns of a new erasure drops the result cache once more: what it cached in that window goes too.
import { dropResultCache, NOBODY_FORGOTTEN, readForgottenUsers, type ForgottenUsers } from '../privacy';
import { forgetModelUsers, type LoadedModel } from './model/activeModel';
import type { Services } from './services';

const REFRESH_MS = 10_000;

export interface ForgottenHonour {
  /** Whether `userId` was forgotten; waits for the first read only (a restart must not serve the forgotten). */
  check(userId: string): boolean | Promise<boolean>;
  refresh(): Promise<void>;
}

// One per Services (one API process): made on first use, so the server's start-up is unchanged.
const perProcess = new WeakMap<Services, ForgottenHonour>();

export function forgottenOf(services: Services): ForgottenHonour {
  let f = perProcess.get(services);
  if (!f) {
    f = createForgottenHonour(services);
    perProcess.set(services, f);
  }
  return f;
}

function createForgottenHonour(services: Services): ForgottenHonour {
  let current: ForgottenUsers = NOBODY_FORGOTTEN;
  let first = true;
  // The serving model forgets their rows too (defence in depth: the resolvers already drop a forgotten id).
  const applyTo = async (m: LoadedModel | undefined) => {
    const list = current;
    if (!m || list.size === 0) return;
    try {
      const n = await forgetModelUsers(m, (id) => list.has(id));
      if (n > 0) services.logger.info({ rows: n, version: m.version }, 'forgotten users left the model');
    } catch (err) {
      services.logger.warn({ err: (err as Error).message }, 'forgetting model rows failed');
    }
  };
  services.model.onChange((m) => void applyTo(m));
  const refresh = async () => {
    try {
      const before = current.size;
      current = await readForgottenUsers(services.graph);
      if (current.size > before) await applyTo(services.model.current());
      if (!first && current.size > before) await dropResultCache(services.redis);
      first = false;
    } catch (err) {
      // Neo4j down: the last list read stays in force.
      services.logger.warn({ err: (err as Error).message }, 'the forgotten-user list could not be read');
    }
  };
  let loaded = false;
  const ready = refresh().then(() => {
    loaded = true;
  });
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  timer.unref();
  return {
    check: (userId) => (loaded ? current.has(userId) : ready.then(() => current.has(userId))),
    refresh,
  };
}
