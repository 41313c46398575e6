// `train --model auto` on interaction data (`--data lightgcn:DIR`): the families of training/cf tuned on the
// validation split (valid.txt, or a carve-out of train), the winner evaluated once on test, and stored as a
// model version: iALS factors as embeddings.bin (0 dims without iALS), an item-item neighbourhood as
// item-item.bin, the low-pass basis as lowpass.bin (embeddings format: the "users" rows are D_i^-1/2 V, one per
// item, the "items" rows D_i^1/2 V), and the choice, weights and every family's validation figures in
// config.json.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core';
import { writeModelDir, newVersion } from './artifacts/modelDir';
import { encodeItemItem } from './artifacts/itemItemFile';
import { encodeEmbeddings } from './artifacts/embeddingsFile';
import { renderReport } from './artifacts/report';
import { trainAuto, defaultAutoOptions, type AutoModel } from './cf/auto';
import type { Dataset } from './data/dataset';
import { evaluate } from './eval/evaluate';
import { codeVersion, peakRssMb } from './provenance';

export interface AutoRunRequest {
  data: string;
  dataDir: string;
  home: string;
  timeBudgetSeconds: number;
  seed: number;
  save: boolean;
}

export interface AutoRunResult {
  version: string;
  dir?: string;
  model: AutoModel;
  /** Tuning plus the final refit: the time to the chosen model's quality. */
  trainSeconds: number;
  testMetrics: Record<string, number>;
  testUsers: number;
  peakRssMb: number;
}

export function runAuto(
  ds: Dataset,
  req: AutoRunRequest,
  deps: { logger: Logger; signal?: AbortSignal },
): AutoRunResult {
  const version = newVersion('auto');
  const model = trainAuto(ds, {
    ...defaultAutoOptions,
    timeBudgetSeconds: req.timeBudgetSeconds,
    seed: req.seed,
    signal: deps.signal,
    log: (msg, fields) => deps.logger.info(fields ?? {}, msg),
  });
  const trainSeconds = model.tuneSeconds + model.refitSeconds;
  let test;
  try {
    test = evaluate(model.scorer, { exclude: ds.train, truth: ds.test });
  } finally {
    model.scorer.dispose?.();
  }
  const testMetrics = { ...test.metrics, ...test.coverage };
  deps.logger.info({ metrics: testMetrics, evalSeconds: test.seconds }, 'test evaluation');
  const result: AutoRunResult = {
    version,
    model,
    trainSeconds,
    testMetrics,
    testUsers: test.users,
    peakRssMb: peakRssMb(),
  };
  if (!req.save) return result;
  const { ials, itemItem, lowPass } = model.parts;
  const config = {
    model: 'auto',
    version,
    data: req.data,
    dataset: ds.name,
    dataHash: ds.dataHash,
    codeVersion: codeVersion(req.home),
    auto: {
      choice: model.choice,
      split: model.split,
      weights: model.parts.weights,
      lowPassRank: lowPass?.rank ?? null,
      families: model.families,
    },
    createdAt: new Date().toISOString(),
  };
  const summary = {
    model: 'auto',
    version,
    seconds: trainSeconds,
    metrics: testMetrics,
    choice: model.choice,
  };
  result.dir = writeModelDir(req.dataDir, version, {
    embeddings: ials
      ? { dims: ials.dims, users: ials.users, items: ials.items, nUsers: ds.nUsers, nItems: ds.nItems }
      : { dims: 0, users: new Float32Array(0), items: new Float32Array(0), nUsers: 0, nItems: 0 },
    ids: { users: Array.from(ds.userIds), items: Array.from(ds.itemIds) },
    config,
    metrics: { ...summary, testUsers: test.users, families: model.families },
    report: renderReport({
      version,
      model: 'auto',
      dataset: ds.name,
      dataHash: ds.dataHash,
      codeVersion: config.codeVersion,
      seconds: trainSeconds,
      epochs: 0,
      metrics: testMetrics,
      curve: [],
      config,
    }),
    extra: {
      ...(itemItem ? { 'item-item.bin': encodeItemItem(itemItem.similarity) } : {}),
      ...(lowPass
        ? {
            'lowpass.bin': encodeEmbeddings({
              dims: lowPass.basis.rank,
              users: lowPass.basis.inV,
              items: lowPass.basis.outV,
              nUsers: ds.nItems,
              nItems: ds.nItems,
            }),
          }
        : {}),
    },
  });
  fs.rmSync(path.join(req.dataDir, 'models', '.checkpoints', version), { recursive: true, force: true });
  return result;
}
