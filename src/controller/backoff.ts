// Per-key exponential backoff with jitter and a cap: the delay before the n-th retry of a failing key.

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Fraction of the delay added or removed at random, 0..1, so failing keys do not retry in lockstep. */
  readonly jitter: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1_000, maxMs: 300_000, jitter: 0.2 };

/** Delay before retry number `failures` (1 for the first retry). `random` is injectable for tests. */
export function backoffDelayMs(policy: BackoffPolicy, failures: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const spread = raw * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.min(policy.maxMs, Math.round(raw + spread)));
}
