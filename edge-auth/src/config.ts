// The shape of config.json as the function sees it, with a small hand-written check (zod stays out of the bundle).
import { maxCorsMaxAgeSeconds, maxCorsOrigins } from "./limits.ts";

export type TokenUse = "id" | "access";
export type TokenSource = "authorizationHeader" | "cookie";

export const tokenUses: readonly TokenUse[] = ["id", "access"];
export const tokenSources: readonly TokenSource[] = ["authorizationHeader", "cookie"];

/** A public RSA signing key as published in a Cognito JWKS. */
export interface RsaJwk {
  readonly kty: "RSA";
  readonly kid: string;
  readonly n: string;
  readonly e: string;
  readonly alg?: "RS256" | undefined;
  readonly use?: "sig" | undefined;
}

/**
 * Which browser origins may read the function's answers cross-origin. The packager checks each origin's spelling
 * (an exact, serialized origin); the function compares the Origin header with them byte for byte.
 */
export interface CorsConfig {
  readonly allowedOrigins: readonly string[];
  readonly allowCredentials: boolean;
  readonly maxAgeSeconds: number;
}

/** config.json, baked beside the bundle by the packager. The packager validates it with zod (package/config-schema.ts). */
export interface EdgeConfig {
  readonly issuer: string;
  readonly clientIds: readonly string[];
  readonly requiredGroups: readonly string[];
  readonly tokenUse: TokenUse;
  readonly tokenSources: readonly TokenSource[];
  readonly jwks: { readonly keys: readonly RsaJwk[] };
  readonly jwksUri?: string | undefined;
  readonly clockToleranceSeconds: number;
  /** Absent: no CORS headers, and every preflight is refused. */
  readonly cors?: CorsConfig | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string" && item !== "");
}

function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return allowed.some((item) => item === value);
}

function isTokenSourceList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((source) => isOneOf(tokenSources, source));
}

function isJwks(value: unknown): boolean {
  return isRecord(value) && Array.isArray(value.keys) && value.keys.length > 0;
}

function isTolerance(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function isWholeNumberUpTo(value: unknown, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max;
}

function isCors(value: unknown): boolean {
  if (value === undefined) return true;
  if (!isRecord(value)) return false;
  const { allowedOrigins, allowCredentials, maxAgeSeconds } = value;
  return (
    isStringList(allowedOrigins) &&
    allowedOrigins.length <= maxCorsOrigins &&
    typeof allowCredentials === "boolean" &&
    isWholeNumberUpTo(maxAgeSeconds, maxCorsMaxAgeSeconds)
  );
}

// One predicate per field of config.json.
const fieldChecks: Record<keyof EdgeConfig, (value: unknown) => boolean> = {
  issuer: (value) => typeof value === "string" && value !== "",
  clientIds: isStringList,
  requiredGroups: isStringList,
  tokenUse: (value) => isOneOf(tokenUses, value),
  tokenSources: isTokenSourceList,
  jwks: isJwks,
  jwksUri: (value) => value === undefined || typeof value === "string",
  clockToleranceSeconds: isTolerance,
  cors: isCors,
};

/**
 * Checks the baked config at cold start. The packager has already validated it with zod, so this only guards
 * against a corrupted or hand-edited file: the function then fails closed instead of running on a half config.
 * Key material is checked when the keys are imported.
 */
export function parseRuntimeConfig(raw: unknown): EdgeConfig {
  if (!isRecord(raw)) throw new Error("config.json is not a JSON object");
  const problems = Object.entries(fieldChecks)
    .filter(([field, check]) => !check(raw[field]))
    .map(([field]) => field);
  if (problems.length > 0) throw new Error(`config.json has invalid fields: ${problems.join(", ")}`);
  // Every field was checked above; key members are checked by importRsaJwk.
  return raw as unknown as EdgeConfig;
}
