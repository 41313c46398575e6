// The public door of monitoring/: drift measures and the drift report.
export { psi, psiLevel, quantileEdges, histogram, binOf, shares, PSI_EPS } from './psi';
export type { PsiResult, PsiBin, DriftLevel } from './psi';
export { dataDrift, readCategories, DEFAULT_PSI_THRESHOLD } from './dataDrift';
export type { DataDrift, FeatureDrift, Window } from './dataDrift';
export { embeddingDrift, recommendationDrift } from './modelDrift';
export type { EmbeddingDrift, RecommendationDrift } from './modelDrift';
export { writeDriftReport } from './report';
export type { DriftReport } from './report';
export { runDriftJob } from './job';
export type { DriftJobOptions, DriftJobSummary } from './job';
