// The experiment seam. By default the A/B module (experiments/) assigns each request deterministically by
// hashing (user or session, experiment); `startApiServer({ chooseVariant })` can replace it (tests, tools).
import type { ServedVariant } from '../experiments';

export interface VariantRequest {
  userId: string | null;
  sessionId: string | null;
}

/**
 * The variant that serves a request. `modelVersion` pins a model version (null: the active model); `ranker`
 * overrides ranking settings; `experimentId` and `unitId` say what to log the exposure under (null: nothing).
 */
export type Variant = Pick<ServedVariant, 'name' | 'modelVersion'> &
  Partial<Pick<ServedVariant, 'experimentId' | 'unitId' | 'ranker'>>;

export type ChooseVariant = (req: VariantRequest) => Variant;

export const chooseVariant: ChooseVariant = () => ({ name: 'control', modelVersion: null });
