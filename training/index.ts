// The public door of training/: what the CLI, the worker and the benchmarks may use. The served model's files,
// registry and scorers are model/'s; training writes them through model/'s door.
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
export { parseDataSource, loadDataSource } from './source';
export type { Dataset } from './data/dataset';
export { userItemGraph, buildPropagationGraph } from './graph/propagationGraph';
export type { PropagationGraph, EdgeSet, NodeRange } from './graph/propagationGraph';
export { spmmChunk8, spmmNaive, layerMean } from './kernels/spmm';
export { useBackend } from './kernels/backend';
export type { BackendChoice, BackendName } from './kernels/backend';
export { readShop } from './data/shop';
export type { ShopData } from './data/shop';
export { tuningSplit } from './data/tuningSplit';
export type { TuningSplit } from './data/tuningSplit';
export type { Csr } from './data/csr';
export { buildSessionTables } from './session/tables';
export { nextStepMetrics, sessionCases } from './session/cases';
export type { NextStepMetrics, SessionCase } from './session/cases';
export { evaluateSessionModel, stepsOfRows, tuneSessionParams, validationCases } from './session/tune';
export { buildVsknnIndex, evaluateVsknn, tuneVsknn } from './session/vsknn';
export { sessionFiles } from './session/sessionFiles';
export { buildContextTables } from './context/tables';
export { buildSegmentTable, readGenders, shopDemographics } from './context/segmentTable';
// The shop pipeline's pieces and the kernels, for the benchmarks (bench/) that measure them one by one.
export { runShop, versionScorer } from './context/shopRun';
export type { ShopRunResult } from './context/shopRun';
export {
  SHOP_MODELS,
  coldScoring,
  contextScorer,
  evalInput,
  isNewUser,
  placedItems,
  placementPick,
  segmentsOf,
  shopSplit,
} from './context/shopTrain';
export type { Phase, ShopModel, ShopSplit } from './context/shopTrain';
export { buildPlacementTable, tunePlacement } from './context/placementTuning';
export { csrFromTriples } from './data/csr';
export { evaluateShop } from './eval/shopEval';
export {
  Interner,
  growFloat32,
  growFloat64,
  growInt32,
  growUint8,
  readShopFromNeo4j,
  resolveSplit,
} from './export';
export { initBackend } from './kernels/backend';
export { propagateOp } from './kernels/ops';
export { fullSoftmaxBlock, fullSoftmaxLoss } from './lightgcn/losses';
export { codeVersion } from './run';
