// The zod schema of the edge function's config.json: the packager's (and the operator's) boundary check.
import { z } from "zod";
import type { EdgeConfig } from "../src/config.ts";
import { importRsaJwk } from "../src/keys.ts";
import {
  defaultClockToleranceSeconds,
  defaultCorsMaxAgeSeconds,
  maxClientIdLength,
  maxClientIds,
  maxClockToleranceSeconds,
  maxCorsMaxAgeSeconds,
  maxCorsOriginLength,
  maxCorsOrigins,
  maxGroupNameLength,
  maxJwksKeys,
  maxRequiredGroups,
  minModulusBits,
  rsaPublicExponent,
} from "../src/limits.ts";

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be base64url without padding");

/** A base64url unsigned integer (RFC 7518 §2, Base64urlUInt) as a number of bits and, when small, its value. */
function unsignedInteger(base64url: string): { readonly bits: number; readonly value?: bigint } {
  const bytes = Buffer.from(base64url, "base64url");
  const first = bytes.findIndex((byte) => byte !== 0);
  if (first < 0) return { bits: 0, value: 0n };
  const bits = (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first] ?? 0));
  return bits > 64 ? { bits } : { bits, value: BigInt(`0x${bytes.subarray(first).toString("hex")}`) };
}

/**
 * Why an RSA public key's n and e are not a key the function verifies with, as the end of a sentence about the
 * key; undefined when they are. The function's own import has the last word, so the packager and the operator
 * refuse exactly what the function would refuse at cold start, and say why.
 */
export function rsaKeyProblem(n: string, e: string): { readonly member: "n" | "e"; readonly problem: string } | undefined {
  const exponent = unsignedInteger(e);
  if (exponent.value !== BigInt(rsaPublicExponent)) {
    const shown = exponent.value === undefined ? `a ${exponent.bits}-bit number` : String(exponent.value);
    return { member: "e", problem: `has the public exponent ${shown}; only ${rsaPublicExponent} (AQAB) is accepted` };
  }
  const modulus = unsignedInteger(n);
  if (modulus.bits < minModulusBits) return { member: "n", problem: `has a ${modulus.bits}-bit modulus; at least ${minModulusBits} bits are required` };
  if (importRsaJwk({ kty: "RSA", kid: "checked", n, e }) === undefined) return { member: "n", problem: "is not an importable RSA public key" };
  return undefined;
}

const rsaSigningKey = z
  .object({
    kty: z.literal("RSA"),
    kid: z.string().min(1),
    alg: z.literal("RS256").optional(),
    use: z.literal("sig").optional(),
    n: base64url,
    e: base64url,
  })
  .superRefine((jwk, ctx) => {
    const refused = rsaKeyProblem(jwk.n, jwk.e);
    if (refused !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: `is not a usable RS256 public key (RSA, at least ${minModulusBits} bits, exponent ${rsaPublicExponent}): it ${refused.problem}`,
        path: [refused.member],
      });
    }
  });

function unique(items: readonly unknown[]): boolean {
  return new Set(items).size === items.length;
}

/** An absolute URL without query, fragment or trailing slash: the issuer is compared to `iss` byte for byte. */
const issuerUrl = z
  .url({ protocol: /^https$/, error: "must be an https URL" })
  .refine((url) => !url.endsWith("/"), "must not end with a slash")
  .refine((url) => !/[?#]/.test(url), "must not have a query or fragment");

// A serialized origin, as a browser sends it in the Origin header: lowercase scheme and host, no default port, no
// path. https for any DNS name (IDNs in punycode) or [::1]; plain http only for the loopback hosts. The API's CEL
// rules (src/api/rules.ts) say the same in several rules with their own messages; a unit test keeps them agreeing.
const dnsHost = String.raw`(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?`;
const port = String.raw`(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?`;
const httpsOrigin = new RegExp(String.raw`^https://(?:${dnsHost}|\[::1\])${port}$`);
const httpOrigin = new RegExp(String.raw`^http://(?:localhost|127\.0\.0\.1|\[::1\])${port}$`);

/** Whether a string is an origin the function may list: what browsers send, so a byte comparison is exact. */
export function isAllowableOrigin(origin: string): boolean {
  if (origin.length > maxCorsOriginLength) return false;
  const defaultPort = (origin.startsWith("https://") && origin.endsWith(":443")) || (origin.startsWith("http://") && origin.endsWith(":80"));
  if (defaultPort) return false;
  return httpsOrigin.test(origin) || httpOrigin.test(origin);
}

const corsSchema = z.strictObject({
  allowedOrigins: z
    .array(
      z
        .string()
        .refine(
          isAllowableOrigin,
          "must be an origin as browsers send it: https://<lowercase host>[:port] without a default port, path or wildcard " +
            "(http:// only for localhost, 127.0.0.1 or [::1])",
        ),
    )
    .min(1)
    .max(maxCorsOrigins)
    .refine(unique, "must not repeat"),
  allowCredentials: z.boolean().default(false),
  maxAgeSeconds: z.number().int().min(0).max(maxCorsMaxAgeSeconds).default(defaultCorsMaxAgeSeconds),
});

// A Cognito issuer: Cognito's regional host over https and a user pool id of that region (<region>_<id>).
const cognitoIssuerPattern = /^https:\/\/cognito-idp\.([a-z]{2}(?:-[a-z]+)+-[0-9]+)\.amazonaws\.com\/\1_[0-9A-Za-z]+$/;

/** The region of a user pool, from its id's prefix: us-east-1_AbCdEf123 → us-east-1. */
export function userPoolRegion(userPoolId: string): string {
  const separator = userPoolId.indexOf("_");
  if (separator <= 0) throw new Error(`user pool id ${userPoolId} has no region prefix`);
  return userPoolId.slice(0, separator);
}

/** The issuer of a user pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
export function cognitoIssuer(userPoolId: string): string {
  return `https://cognito-idp.${userPoolRegion(userPoolId)}.amazonaws.com/${userPoolId}`;
}

/** Where Cognito publishes the signing keys of the pool whose tokens carry `issuer`; undefined for another issuer. */
export function cognitoJwksUri(issuer: string): string | undefined {
  return cognitoIssuerPattern.test(issuer) ? `${issuer}/.well-known/jwks.json` : undefined;
}

/**
 * Loosenings for local development only. The function fetches jwksUri at run time and trusts every RS256 key it
 * finds there, so in production jwksUri is pinned to the issuer's own JWKS on Cognito's host, over https.
 */
export interface EdgeConfigOptions {
  /** Accept any http(s) jwksUri, e.g. an emulator's on loopback. Never in production. */
  readonly allowInsecureJwksUri?: boolean;
}

const edgeConfigFields = z.strictObject({
  issuer: issuerUrl,
  // Cognito client ids match [\w+]+; in particular they have no dots, which the cookie names rely on.
  clientIds: z
    .array(z.string().max(maxClientIdLength).regex(/^[\w+]+$/, "must be a Cognito app client id"))
    .min(1)
    .max(maxClientIds)
    .refine(unique, "must not repeat"),
  requiredGroups: z.array(z.string().min(1).max(maxGroupNameLength)).min(1).max(maxRequiredGroups).refine(unique, "must not repeat"),
  tokenUse: z.enum(["id", "access"]).default("id"),
  tokenSources: z
    .array(z.enum(["authorizationHeader", "cookie"]))
    .min(1)
    .refine(unique, "must not repeat")
    .default(["authorizationHeader", "cookie"]),
  jwks: z.object({
    keys: z
      .array(rsaSigningKey)
      .min(1)
      .max(maxJwksKeys)
      .refine((keys) => unique(keys.map((key) => key.kid)), "kids must be unique"),
  }),
  jwksUri: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  clockToleranceSeconds: z.number().int().min(0).max(maxClockToleranceSeconds).default(defaultClockToleranceSeconds),
  cors: corsSchema.optional(),
});

/**
 * The schema of config.json. Whoever answers jwksUri can add signing keys, so it must be the issuer's JWKS on
 * Cognito's host, over https: `https://cognito-idp.<region>.amazonaws.com/<userPoolId>/.well-known/jwks.json`.
 */
export const edgeConfigSchema = edgeConfigFields.superRefine((config, ctx) => {
  if (config.jwksUri === undefined) return;
  const expected = cognitoJwksUri(config.issuer);
  if (config.jwksUri === expected) return;
  ctx.addIssue({
    code: "custom",
    path: ["jwksUri"],
    message:
      expected === undefined
        ? "is only allowed with a Cognito issuer (https://cognito-idp.<region>.amazonaws.com/<userPoolId>), whose keys it fetches"
        : `must be ${expected}: the issuer's keys, from Cognito's host over https (another URL only for local development)`,
  });
});

/** What the operator writes (defaults may be left out). */
export type EdgeConfigInput = z.input<typeof edgeConfigFields>;

/** A validated config with defaults filled in: what config.json holds. */
export type ValidatedEdgeConfig = z.output<typeof edgeConfigFields>;

/** A config that failed validation, with one line per bad field. */
export class EdgeConfigError extends Error {
  readonly code = "InvalidEdgeConfig";
  readonly issues: readonly { readonly path: string; readonly message: string }[];

  constructor(issues: readonly { readonly path: string; readonly message: string }[]) {
    super(`invalid edge config:\n${issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join("\n")}`);
    this.name = "EdgeConfigError";
    this.issues = issues;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    text += typeof part === "number" ? `[${part}]` : `${text === "" ? "" : "."}${String(part)}`;
  }
  return text === "" ? "(config)" : text;
}

/** Validates a config and fills in defaults; throws EdgeConfigError listing every bad field. */
export function parseEdgeConfig(input: unknown, options: EdgeConfigOptions = {}): ValidatedEdgeConfig {
  // Without the pin on jwksUri only when asked to, for local development against emulators.
  const schema = options.allowInsecureJwksUri === true ? edgeConfigFields : edgeConfigSchema;
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new EdgeConfigError(result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })));
  }
  // `satisfies` proves at compile time that what the packager writes is what the function reads.
  return result.data satisfies EdgeConfig;
}
