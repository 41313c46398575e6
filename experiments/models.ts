// What experiments need from the model registry: does a version exist, which one is active, and publishing
// the winner of a canary. Through model/'s door only (the registry is model/registry).
import { GraphrecError, validationError } from '../core';
import { listModels, publishModel, readActiveModel, type PublishSummary, type RegistryDeps } from '../model';
import type { Experiment } from './types';

/** Refuse a definition whose variants pin versions that are not in the registry (a typo would serve nothing). */
export function assertModelsExist(dataDir: string, exp: Experiment): void {
  const versions = new Set(listModels(dataDir).models.map((m) => m.version));
  exp.variants.forEach((v, i) => {
    if (v.modelVersion !== null && !versions.has(v.modelVersion)) {
      throw validationError(
        `\`variants[${i}].modelVersion\` must name a model version in the registry (graphrec models list), but got: ${JSON.stringify(v.modelVersion)}`,
        { field: `variants[${i}].modelVersion` },
      );
    }
  });
}

export function activeVersion(dataDir: string): string | null {
  return readActiveModel(dataDir)?.version ?? null;
}

export function publishVariantModel(
  deps: RegistryDeps,
  exp: Experiment,
  variant: string,
): Promise<PublishSummary> {
  const v = exp.variants.find((x) => x.name === variant);
  if (!v) {
    throw validationError(
      `--variant must be one of ${exp.variants.map((x) => x.name).join(', ')}, but got: ${JSON.stringify(variant)}`,
      { field: 'variant' },
    );
  }
  if (v.modelVersion === null) {
    throw new GraphrecError(
      'CONFLICT',
      `variant ${JSON.stringify(variant)} of ${exp.id} pins no model version (it serves the active model${v.ranker ? ' with ranker overrides, which are promoted by changing the ranker defaults' : ''}); there is nothing to publish`,
      { field: 'variant' },
    );
  }
  return publishModel(deps, v.modelVersion);
}
