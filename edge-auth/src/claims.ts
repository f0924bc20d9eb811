// Claim checks for a Cognito token whose signature has already verified.
import type { TokenUse } from "./config.ts";
import type { DenialReason } from "./errors.ts";
import type { JsonObject } from "./jws.ts";

export interface ClaimPolicy {
  readonly issuer: string;
  readonly clientIds: readonly string[];
  readonly requiredGroups: readonly string[];
  readonly tokenUse: TokenUse;
  readonly clockToleranceSeconds: number;
}

/** The claim a token's client is read from: ID tokens carry it in `aud`, access tokens in `client_id`. */
const clientClaim = { id: "aud", access: "client_id" } as const satisfies Record<TokenUse, string>;

function isOneOf(allowed: readonly string[], value: unknown): boolean {
  return typeof value === "string" && allowed.includes(value);
}

function checkTimes(claims: JsonObject, tolerance: number, nowSeconds: number): DenialReason | undefined {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== "number") return "exp_missing";
  if ((nbf !== undefined && typeof nbf !== "number") || (iat !== undefined && typeof iat !== "number")) {
    return "invalid_time_claim";
  }
  if (exp <= nowSeconds - tolerance) return "expired";
  if (nbf !== undefined && nbf > nowSeconds + tolerance) return "not_yet_valid";
  if (iat !== undefined && iat > nowSeconds + tolerance) return "issued_in_future";
  return undefined;
}

function isMember(groups: unknown, requiredGroups: readonly string[]): boolean {
  return Array.isArray(groups) && groups.some((group) => isOneOf(requiredGroups, group));
}

/**
 * Returns the first rule the claims break, or undefined when the token may pass. `nowSeconds` is whole seconds,
 * as in jose, so boundaries agree with the oracle. Time checks:
 * - `exp` is required: valid while now − tolerance < exp;
 * - `nbf`, if present: valid once now + tolerance ≥ nbf;
 * - `iat`, if present: must not be later than now + tolerance.
 * The audience must be a single string (Cognito never issues an array).
 */
export function checkClaims(claims: JsonObject, policy: ClaimPolicy, nowSeconds: number): DenialReason | undefined {
  if (claims.iss !== policy.issuer) return "wrong_issuer";
  if (claims.token_use !== policy.tokenUse) return "wrong_token_use";
  if (!isOneOf(policy.clientIds, claims[clientClaim[policy.tokenUse]])) return "wrong_audience";
  const timeProblem = checkTimes(claims, policy.clockToleranceSeconds, nowSeconds);
  if (timeProblem !== undefined) return timeProblem;
  return isMember(claims["cognito:groups"], policy.requiredGroups) ? undefined : "not_in_group";
}
