// `train --model auto` on interaction data (`--data lightgcn:DIR`): the families of training/cf tuned on the
// validation split (valid.txt, or a carve-out of train), the winner evaluated once on test, and stored as a
// model version: iALS factors as embeddings.bin (0 dims without iALS), an item-item neighbourhood as
// item-item.bin, the low-pass basis as lowpass.bin (embeddings format: the "users" rows are D_i^-1/2 V, one per
// item, the "items" rows D_i^1/2 V), a fine-tuned LightGCN's final tables as lightgcn.bin (when it was adopted),
// and the choice, weights and every family's validation figures in config.json.
import fs from 'node:fs';
import path from 'node:path';
import { validationError, type Logger } from '../core';
import {
  writeModelDir,
  newVersion,
  type StoredModel,
  decodeItemItem,
  encodeItemItem,
  decodeEmbeddings,
  encodeEmbeddings,
} from '../model';
import { renderReport } from './artifacts/report';
import { trainAuto, defaultAutoOptions, partsScorer, type AutoModel, type AutoParts } from './cf/auto';
import { defaultItemItemOptions } from './cf/itemItem';
import type { Dataset } from './data/dataset';
import { evaluate, type BlockScorer } from './eval/evaluate';
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

export async function runAuto(
  ds: Dataset,
  req: AutoRunRequest,
  deps: { logger: Logger; signal?: AbortSignal },
): Promise<AutoRunResult> {
  const version = newVersion('auto');
  const model = await trainAuto(ds, {
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
  result.dir = writeAutoVersion(req.dataDir, version, ds, model.parts, {
    data: req.data,
    home: req.home,
    tuning: { choice: model.choice, split: model.split, families: model.families },
    test: { metrics: testMetrics, users: test.users, trainSeconds },
  });
  return result;
}

/** What the version records beside its parts: how they were chosen, and what test said. */
export interface AutoVersionMeta {
  data: string;
  home: string;
  tuning?: Pick<AutoModel, 'choice' | 'split' | 'families'>;
  test?: { metrics: Record<string, number>; users: number; trainSeconds: number };
}

/** Write an auto model's parts as a version (atomically, like every version); returns its directory. */
export function writeAutoVersion(
  dataDir: string,
  version: string,
  ds: Dataset,
  parts: AutoParts,
  meta: AutoVersionMeta,
): string {
  const { ials, itemItem, lowPass, lightgcn } = parts;
  const config = {
    model: 'auto',
    version,
    data: meta.data,
    dataset: ds.name,
    dataHash: ds.dataHash,
    codeVersion: codeVersion(meta.home),
    auto: {
      ...(meta.tuning ?? {}),
      weights: parts.weights,
      lowPassRank: lowPass?.rank ?? null,
    },
    createdAt: new Date().toISOString(),
  };
  const metrics = meta.test?.metrics ?? {};
  return writeModelDir(dataDir, version, {
    embeddings: ials
      ? { dims: ials.dims, users: ials.users, items: ials.items, nUsers: ds.nUsers, nItems: ds.nItems }
      : {
          dims: 0,
          users: new Float32Array(0),
          items: new Float32Array(0),
          nUsers: ds.nUsers,
          nItems: ds.nItems,
        },
    ids: { users: Array.from(ds.userIds), items: Array.from(ds.itemIds) },
    config,
    metrics: {
      model: 'auto',
      version,
      seconds: meta.test?.trainSeconds ?? null,
      metrics,
      choice: meta.tuning?.choice ?? null,
      testUsers: meta.test?.users ?? null,
      families: meta.tuning?.families ?? [],
    },
    report: renderReport({
      version,
      model: 'auto',
      dataset: ds.name,
      dataHash: ds.dataHash,
      codeVersion: config.codeVersion,
      seconds: meta.test?.trainSeconds ?? 0,
      epochs: 0,
      metrics,
      curve: [],
      config,
    }),
    extra: {
      ...(itemItem ? { 'item-item.bin': encodeItemItem(itemItem.similarity) } : {}),
      ...(lightgcn
        ? {
            'lightgcn.bin': encodeEmbeddings({
              dims: lightgcn.dims,
              users: lightgcn.users,
              items: lightgcn.items,
              nUsers: ds.nUsers,
              nItems: ds.nItems,
            }),
          }
        : {}),
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
}

/**
 * The scorer of a stored auto version for a data set. Its item-item rows and low-pass basis are indexed by the
 * training data's rows, so the data must have the same users and items in the same order (the same files, or
 * the same train file with another test file); anything else is refused rather than silently misaligned.
 */
export function storedAutoScorer(stored: StoredModel, ds: Dataset): BlockScorer {
  const same = (a: Array<number | string>, b: Int32Array) =>
    a.length === b.length && a.every((id, r) => String(id) === String(b[r]));
  if (!same(stored.ids.users, ds.userIds) || !same(stored.ids.items, ds.itemIds))
    throw validationError(
      `auto version ${stored.version} was trained on other users or items than this data set's train.txt; evaluate it on the data it was trained on`,
      { field: 'data' },
    );
  const auto = (stored.config.auto ?? {}) as { weights?: AutoParts['weights']; lowPassRank?: number | null };
  const weights = auto.weights ?? {};
  const file = (name: string) => path.join(stored.dir, name);
  const e = stored.embeddings;
  const parts: AutoParts = { weights };
  if (weights.ials) parts.ials = { dims: e.dims, users: e.users, items: e.items };
  if (weights.itemknn)
    parts.itemItem = {
      options: defaultItemItemOptions,
      similarity: decodeItemItem(fs.readFileSync(file('item-item.bin')), file('item-item.bin')),
    };
  if (weights.lightgcn) {
    const t = decodeEmbeddings(fs.readFileSync(file('lightgcn.bin')), file('lightgcn.bin'));
    parts.lightgcn = { dims: t.dims, users: t.users, items: t.items };
  }
  if (weights.lowpass) {
    const t = decodeEmbeddings(fs.readFileSync(file('lowpass.bin')), file('lowpass.bin'));
    parts.lowPass = {
      basis: { rank: t.dims, inV: t.users, outV: t.items },
      rank: auto.lowPassRank ?? t.dims,
    };
  }
  return partsScorer(parts, ds.train, ds.nItems);
}
