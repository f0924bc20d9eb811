// Computes the next status of a resource: the caller's fields, conditions merged into the existing list (never
// dropping others), and observedGeneration. Returns undefined when nothing would change, so no write is made.
import { deepEqual } from "../util/deep-equal.ts";
import { setConditions, type Condition, type ConditionUpdate } from "./conditions.ts";

export interface StatusLike {
  readonly observedGeneration?: number;
  readonly conditions?: readonly Condition[];
}

export interface DesiredStatus<S extends StatusLike> {
  /** Status fields to set; fields not named keep their value. */
  readonly fields: Partial<Omit<S, "observedGeneration" | "conditions">>;
  readonly conditions: readonly ConditionUpdate[];
}

export function nextStatus<S extends StatusLike>(current: S | undefined, desired: DesiredStatus<S>, generation: number | undefined, now: Date): S | undefined {
  const existing: Partial<S> = current ?? {};
  const conditions = setConditions(existing.conditions ?? [], desired.conditions, now);
  // The fields are S's own (Partial<S> minus what is set here), so the merge is an S.
  const merged = {
    ...existing,
    ...desired.fields,
    conditions,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  } as unknown as S;
  return deepEqual(existing, merged) ? undefined : merged;
}
