// Experiment definitions in Redis (one hash, id -> JSON), shared by config-defined experiments, the admin
// mutations and the CLI. At most one experiment runs at a time: a request is assigned to the running one, and
// two overlapping experiments would each see the other's variants as noise. The check and the write are one
// Lua script, so two admins creating at once cannot both succeed.
import type Redis from 'ioredis';
import { GraphrecError, notFound, type Logger } from '../core';
import { experimentKeys } from './keys';
import { parseDefinition, type Experiment } from './types';

// KEYS[1] definitions hash; ARGV: id, JSON. Returns 'ok', 'exists', or the id of the running experiment.
const CREATE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'exists' end
for _, raw in ipairs(redis.call('HVALS', KEYS[1])) do
  local e = cjson.decode(raw)
  if e.status == 'running' then return 'running:' .. e.id end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 'ok'
`;

const conflict = (message: string) => new GraphrecError('CONFLICT', message, { field: 'id' });

export interface ExperimentStore {
  list(): Promise<Experiment[]>;
  get(id: string): Promise<Experiment>;
  create(exp: Experiment): Promise<Experiment>;
  stop(id: string, now?: Date): Promise<Experiment>;
  markPromoted(id: string, variant: string, now?: Date): Promise<Experiment>;
  /** Config-defined experiments: create the missing ones; refresh the definition of existing ones. */
  upsertFromConfig(defs: Experiment[], logger: Logger): Promise<void>;
}

export function createExperimentStore(redis: Redis, prefix: string): ExperimentStore {
  const keys = experimentKeys(prefix);
  const parse = (raw: string) => JSON.parse(raw) as Experiment;

  async function get(id: string): Promise<Experiment> {
    const raw = await redis.hget(keys.definitions, id);
    if (raw === null) throw notFound(`no experiment with id ${JSON.stringify(id)}`, { field: 'id' });
    return parse(raw);
  }

  async function create(exp: Experiment): Promise<Experiment> {
    const res = (await redis.eval(CREATE, 1, keys.definitions, exp.id, JSON.stringify(exp))) as string;
    if (res === 'exists') throw conflict(`an experiment with id ${JSON.stringify(exp.id)} already exists`);
    if (res.startsWith('running:')) {
      throw conflict(
        `experiment ${JSON.stringify(res.slice(8))} is running; stop it before starting ${JSON.stringify(exp.id)} (one experiment runs at a time)`,
      );
    }
    return exp;
  }

  async function update(id: string, change: (e: Experiment) => Experiment): Promise<Experiment> {
    const next = change(await get(id));
    await redis.hset(keys.definitions, id, JSON.stringify(next));
    return next;
  }

  return {
    async list() {
      const all = Object.values(await redis.hgetall(keys.definitions)).map(parse);
      return all.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
    },
    get,
    create,
    stop(id, now = new Date()) {
      return update(id, (e) => {
        if (e.status === 'stopped') return e;
        if (e.status !== 'running')
          throw conflict(`experiment ${JSON.stringify(id)} is ${e.status}, not running`);
        return { ...e, status: 'stopped', stoppedAt: now.toISOString() };
      });
    },
    markPromoted(id, variant, now = new Date()) {
      return update(id, (e) => ({
        ...e,
        status: 'promoted',
        stoppedAt: e.stoppedAt ?? now.toISOString(),
        promotedVariant: variant,
      }));
    },
    async upsertFromConfig(defs, logger) {
      for (const def of defs) {
        const raw = await redis.hget(keys.definitions, def.id);
        if (raw === null) {
          try {
            await create(def);
            logger.info({ experiment: def.id }, 'experiment from config created');
          } catch (err) {
            logger.error(
              { experiment: def.id, err: (err as Error).message },
              'experiment from config not created',
            );
          }
          continue;
        }
        // The config owns the definition; the lifecycle (status, dates) belongs to the store.
        const old = parse(raw);
        const next: Experiment = {
          ...def,
          status: old.status,
          startedAt: old.startedAt,
          stoppedAt: old.stoppedAt,
          promotedVariant: old.promotedVariant,
        };
        await redis.hset(keys.definitions, def.id, JSON.stringify(next));
      }
    },
  };
}

/** Parse the config-defined experiments: a JSON array (or `{experiments: [...]}`) from the env or a file. */
export function parseConfigExperiments(text: string, where: string, now = new Date()): Experiment[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GraphrecError(
      'CONFIG',
      `${where} must be JSON, but it does not parse: ${(err as Error).message}`,
      {
        field: where,
      },
    );
  }
  const list =
    data !== null && typeof data === 'object' && !Array.isArray(data) && 'experiments' in data
      ? (data as { experiments: unknown }).experiments
      : data;
  if (!Array.isArray(list)) {
    throw new GraphrecError('CONFIG', `${where} must be an array of experiments, but got: ${typeof list}`, {
      field: where,
    });
  }
  return list.map((d, i) => parseDefinition(d, 'config', now, `${where}[${i}]`));
}
