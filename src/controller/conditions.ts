// metav1.Condition helpers with controller-runtime's semantics, and the kstatus trio Ready/Reconciling/Stalled.

export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  readonly observedGeneration?: number;
}

export type ConditionUpdate = Omit<Condition, "lastTransitionTime">;

/**
 * Returns the list with `update` applied: a condition of the same type is replaced in place, others are kept.
 * lastTransitionTime moves only when the status flips, so it says when the state last changed.
 */
export function setCondition(conditions: readonly Condition[], update: ConditionUpdate, now: Date): Condition[] {
  const index = conditions.findIndex((c) => c.type === update.type);
  const existing = index >= 0 ? conditions[index] : undefined;
  const lastTransitionTime =
    existing !== undefined && existing.status === update.status ? existing.lastTransitionTime : rfc3339(now);
  const next: Condition = { ...update, lastTransitionTime };
  if (index < 0) return [...conditions, next];
  return conditions.map((c, i) => (i === index ? next : c));
}

export function setConditions(conditions: readonly Condition[], updates: readonly ConditionUpdate[], now: Date): Condition[] {
  return updates.reduce<Condition[]>((acc, update) => setCondition(acc, update, now), [...conditions]);
}

export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return conditions?.find((c) => c.type === type)?.status === "True";
}

/** The condition types kstatus, Argo CD and Flux read. */
export const kstatusConditionTypes = { ready: "Ready", reconciling: "Reconciling", stalled: "Stalled" } as const;

/** Where a resource stands, in kstatus terms. */
export type Progress =
  | { readonly state: "ready"; readonly reason: string; readonly message: string }
  | { readonly state: "reconciling"; readonly reason: string; readonly message: string }
  | { readonly state: "stalled"; readonly reason: string; readonly message: string };

/**
 * The three conditions GitOps tools read. Exactly one of them is True: Ready when done, Reconciling while work
 * is under way, Stalled when only a human can help. The others are set False with the same reason.
 */
export function kstatusConditions(progress: Progress, observedGeneration: number | undefined): ConditionUpdate[] {
  const generation = observedGeneration === undefined ? {} : { observedGeneration };
  const condition = (type: string, on: boolean): ConditionUpdate => ({
    type,
    status: on ? "True" : "False",
    reason: progress.reason,
    message: progress.message,
    ...generation,
  });
  return [
    condition(kstatusConditionTypes.ready, progress.state === "ready"),
    condition(kstatusConditionTypes.reconciling, progress.state === "reconciling"),
    condition(kstatusConditionTypes.stalled, progress.state === "stalled"),
  ];
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
