// Computes the next status of a resource: the caller's fields, conditions merged into the existing list (never
// dropping others), and observedGeneration. Returns undefined when nothing would change, so no write is made.
import { deepEqual } from "../util/deep-equal.ts";
import { setConditions, type Condition, type ConditionUpdate } from "./conditions.ts";

export interface StatusLike {
  readonly observedGeneration?: number;
  readonly conditions?: readonly Condition[];
  readonly [field: string]: unknown;
}

export interface DesiredStatus {
  /** Top-level status fields to set; a field set to null is removed by the merge patch. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly conditions: readonly ConditionUpdate[];
}

export function nextStatus(
  current: StatusLike | undefined,
  desired: DesiredStatus,
  generation: number | undefined,
  now: Date,
): StatusLike | undefined {
  const existing = current ?? {};
  const conditions = setConditions(existing.conditions ?? [], desired.conditions, now);
  const merged: Record<string, unknown> = { ...existing, ...desired.fields, conditions };
  if (generation !== undefined) merged["observedGeneration"] = generation;
  for (const [field, value] of Object.entries(desired.fields)) {
    if (value === null) merged[field] = undefined;
  }
  return deepEqual(stripUndefined(existing), stripUndefined(merged)) ? undefined : merged;
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
