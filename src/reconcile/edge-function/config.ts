// The edge function's config.json for a SecuredContentBucket: a pure function of the spec and the pool's keys,
// checked with the edge packager's own schema, so what the operator bakes is exactly what the function reads.
import { cognitoIssuer, parseEdgeConfig, type EdgeConfigOptions, type ValidatedEdgeConfig } from "../../../edge-auth/package/config-schema.ts";
import { defaultClockToleranceSeconds } from "../../../edge-auth/src/limits.ts";
import type { SecuredContentBucket } from "../../api/index.ts";
import type { BakedJwks } from "./jwks.ts";

/** The `iss` of the pool's tokens, in the form AWS issues them (independent of where the JWKS is fetched). */
export { cognitoIssuer };

/** Lists the spec treats as sets, and the JWKS, in one canonical order: reordering them must not publish a version. */
function sorted<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const canonicalTokenSources = ["authorizationHeader", "cookie"] as const;

/**
 * config.json for the resource. Throws the packager's EdgeConfigError, listing every bad field, when the spec
 * and keys do not make a valid config (the API's own validation should make that impossible). The packager pins
 * jwksUri to the pool's JWKS on Cognito's host unless `options` allow another URL (development only).
 */
export function desiredEdgeConfig(resource: SecuredContentBucket, jwks: BakedJwks, jwksUri: string, options: EdgeConfigOptions = {}): ValidatedEdgeConfig {
  const { auth, cors } = resource.spec;
  return parseEdgeConfig(
    {
    issuer: cognitoIssuer(auth.userPoolId),
    clientIds: sorted(auth.clientIds, (id) => id),
    requiredGroups: sorted(auth.requiredGroups, (group) => group),
    tokenUse: auth.tokenUse,
    tokenSources: canonicalTokenSources.filter((source) => auth.tokenSources.includes(source)),
    jwks: { keys: sorted(jwks.keys, (key) => key.kid).map((key) => ({ ...key })) },
    jwksUri,
    clockToleranceSeconds: defaultClockToleranceSeconds,
    // Left out when the spec has none, so such resources keep the config (and the package) they had before.
    ...(cors === undefined
      ? {}
      : {
          cors: {
            allowedOrigins: sorted(cors.allowedOrigins, (origin) => origin),
            allowCredentials: cors.allowCredentials,
            maxAgeSeconds: cors.maxAgeSeconds,
          },
        }),
    },
    options,
  );
}
