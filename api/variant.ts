// The experiment seam. The A/B module (issue 6) replaces `chooseVariant` with deterministic assignment by
// hashing (user or session, experiment); until then every request is served by the control.
export interface VariantRequest {
  userId: string | null;
  sessionId: string | null;
}

export interface Variant {
  name: string;
  /** A model version the variant pins, or null for the active model. */
  modelVersion: string | null;
}

export type ChooseVariant = (req: VariantRequest) => Variant;

export const chooseVariant: ChooseVariant = () => ({ name: 'control', modelVersion: null });
