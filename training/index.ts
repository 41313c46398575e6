// The public door of training/: what the CLI, the benchmark and (later) the API may use.
export { trainModel, evaluateVersion, evaluateOnTest, peakRssMb, MODEL_KINDS } from './run';
export type {
  ModelKind,
  TrainRequest,
  TrainDeps,
  TrainSummary,
  TrainOutcome,
  EvalRequest,
  EvalSummary,
} from './run';
export { parseTrainFlags, parseEvalFlags } from './flags';
export type { WarmStartRecord, WarmStartRequest } from './warmStart';
export type { TrainFlags } from './flags';
export { defaultTrainerOptions } from './lightgcn/options';
export type { TrainerOptions } from './lightgcn/options';
export type { CurvePoint } from './lightgcn/trainer';
export { readModelDir, modelsRoot } from '../model/artifacts/modelDir';
export { readEmbeddingsFile, decodeEmbeddings } from '../model/artifacts/embeddingsFile';
export { parseDataSource, loadDataSource } from './source';
export type { Dataset } from './data/dataset';
export { userItemGraph, buildPropagationGraph } from './graph/propagationGraph';
export type { PropagationGraph, EdgeSet, NodeRange } from './graph/propagationGraph';
export { spmmChunk8, spmmNaive, layerMean } from './kernels/spmm';
export { useBackend } from './kernels/backend';
export type { BackendChoice, BackendName } from './kernels/backend';
export {
  loadInductiveModel,
  inductiveModelOf,
  inferProductEmbedding,
  inferUserEmbedding,
  scoreItems,
} from '../model/inductive';
export type { InductiveModel, NewProduct, NewUser } from '../model/inductive';
export { readNewArrivals } from '../model/artifacts/contextFiles';
export { isNewArrival, newArrivalQuota, newArrivalsOff, LIST_SIZE } from '../model/ranker/ranker';
export type { NewArrivals } from '../model/ranker/ranker';
export { readShop } from './data/shop';
export type { ShopData } from './data/shop';
export { tuningSplit } from './data/tuningSplit';
export type { TuningSplit } from './data/tuningSplit';
export type { Csr } from './data/csr';
export { buildSessionTables, type SessionTables } from './session/tables';
export {
  defaultSessionParams,
  sessionModelOf,
  sessionRank,
  sessionRequest,
  sessionScore,
  sessionTop,
} from '../model/session/model';
export type { SessionModel, SessionParams, SessionRequest, SessionStep } from '../model/session/model';
export { nextStepMetrics, sessionCases } from './session/cases';
export type { NextStepMetrics, SessionCase } from './session/cases';
export { evaluateSessionModel, stepsOfRows, tuneSessionParams, validationCases } from './session/tune';
export { buildVsknnIndex, evaluateVsknn, tuneVsknn } from './session/vsknn';
export { popularityOrder, sparseRank } from '../model/session/rankSparse';
export { readSessionModel, sessionFiles } from '../model/session/files';
export { buildContextTables } from './context/tables';
export { rankScores, type RankerWeights } from '../model/ranker/ranker';
