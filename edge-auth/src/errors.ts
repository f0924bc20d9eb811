// Why a request was denied: one reason code per rule, each mapped to the status the viewer gets.

/** Every denial reason and its HTTP status. 401 = no acceptable token, 403 = a valid token without a required group. */
export const denialStatus = {
  /** No enabled token source carried a token. */
  no_token: 401,
  /** The Authorization header uses another scheme than Bearer (e.g. Basic). */
  unsupported_scheme: 401,
  /** More than one candidate token and no way to pick one (two Authorization headers, several users' token cookies for one client and no LastAuthUser). */
  ambiguous_token: 401,
  /** The same token cookie, or LastAuthUser, appears twice for one app client: which one counts is not guessed. */
  duplicate_cookie: 401,
  /** Longer than 8 KB: rejected before any parsing. */
  token_too_large: 401,
  /** Not three canonical base64url segments, or a header/payload that is not a JSON object in UTF-8. */
  malformed: 401,
  /** `alg` is not RS256. */
  alg_not_allowed: 401,
  /** The header has a `crit` member: no extension is understood, so none may be critical. */
  crit_not_supported: 401,
  /** The header carries key material or a key URL (jku, jwk, x5u, x5c). Keys only come from the baked JWKS. */
  header_key_material: 401,
  /** The header has no string `kid`. */
  kid_missing: 401,
  /** The `kid` is neither baked in nor served by jwksUri (fetched at most once per cooldown). */
  unknown_kid: 401,
  /** The signature does not verify with the key named by `kid`, or has the wrong length. */
  bad_signature: 401,
  /** `iss` differs from the configured issuer. */
  wrong_issuer: 401,
  /** `token_use` differs from the configured token use (e.g. an access token where an ID token is required). */
  wrong_token_use: 401,
  /** `aud` (ID token) or `client_id` (access token) is not one of the configured client ids. */
  wrong_audience: 401,
  /** `exp` is absent or not a number. */
  exp_missing: 401,
  /** `nbf` or `iat` is present but not a number. */
  invalid_time_claim: 401,
  /** `exp` is in the past, beyond the clock tolerance. */
  expired: 401,
  /** `nbf` is in the future, beyond the clock tolerance. */
  not_yet_valid: 401,
  /** `iat` is in the future, beyond the clock tolerance. */
  issued_in_future: 401,
  /** `cognito:groups` is absent, not an array, or holds none of the required groups. */
  not_in_group: 403,
  /** A CORS preflight from an origin that is not allowed (or with no, or several, Origin headers, or CORS not configured). */
  origin_not_allowed: 403,
  /** A CORS preflight from an allowed origin asking for a method other than GET or HEAD, or for another header. */
  preflight_not_allowed: 403,
  /** The function could not load its config or hit an unexpected error: everything is denied. */
  internal_error: 500,
} as const;

export type DenialReason = keyof typeof denialStatus;
export type DenialStatus = (typeof denialStatus)[DenialReason];

/** The outcome of one check: nothing, or the reason to deny. Errors are data; the hot path never throws. */
export type Denial = { readonly ok: false; readonly reason: DenialReason };

export function deny(reason: DenialReason): Denial {
  return { ok: false, reason };
}
