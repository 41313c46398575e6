// The operator's verbs, shared by the CLI and the admin GraphQL mutations: create, canary, stop, promote.
// A canary is an ordinary experiment: the control pins the model active when it starts (so a nightly publish
// does not change the control under the experiment's feet) and `canary` pins the new version with a small share.
import type { RegistryDeps } from '../model';
import { GraphrecError, validationError } from '../core';
import { activeVersion, assertModelsExist, publishVariantModel } from './models';
import type { ExperimentStore } from './store';
import { parseDefinition, type Experiment } from './types';

export async function createExperiment(
  store: ExperimentStore,
  dataDir: string,
  definition: unknown,
  source: Experiment['source'] = 'admin',
): Promise<Experiment> {
  const exp = parseDefinition(definition, source);
  assertModelsExist(dataDir, exp);
  return store.create(exp);
}

export interface CanaryRequest {
  model: string;
  share: number;
  id?: string;
  unit?: 'user' | 'session';
}

export async function startCanary(
  store: ExperimentStore,
  dataDir: string,
  req: CanaryRequest,
): Promise<Experiment> {
  if (!(req.share > 0 && req.share < 1)) {
    throw validationError(`--share must be a number in (0, 1), but got: ${JSON.stringify(req.share)}`, {
      field: 'share',
    });
  }
  const active = activeVersion(dataDir);
  if (active === null) {
    throw new GraphrecError(
      'CONFLICT',
      'there is no active model to compare the canary with; publish one first (graphrec models publish)',
      {
        field: 'model',
      },
    );
  }
  if (active === req.model) {
    throw validationError(
      `--model must differ from the active model, but got the active one: ${JSON.stringify(req.model)}`,
      {
        field: 'model',
      },
    );
  }
  const share = Math.round(req.share * 1e6) / 1e6;
  return createExperiment(
    store,
    dataDir,
    {
      id: req.id ?? `canary-${req.model}`.slice(0, 64),
      description: `canary of ${req.model} (${share * 100} %) against the active ${active}`,
      unit: req.unit ?? 'user',
      variants: [
        { name: 'control', weight: Math.round((1 - share) * 1e6) / 1e6, modelVersion: active },
        { name: 'canary', weight: share, modelVersion: req.model },
      ],
    },
    'canary',
  );
}

/** Publish the variant's model through the registry (embeddings, index, pointer), then mark the experiment. */
export async function promoteVariant(
  store: ExperimentStore,
  deps: RegistryDeps,
  id: string,
  variant: string,
): Promise<{ experiment: Experiment; published: Awaited<ReturnType<typeof publishVariantModel>> }> {
  const exp = await store.get(id);
  if (exp.status === 'promoted') {
    throw new GraphrecError(
      'CONFLICT',
      `experiment ${JSON.stringify(id)} was already promoted (variant ${exp.promotedVariant})`,
      {
        field: 'id',
      },
    );
  }
  const published = await publishVariantModel(deps, exp, variant);
  return { experiment: await store.markPromoted(id, variant), published };
}
