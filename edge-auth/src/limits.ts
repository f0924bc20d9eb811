// The limits of the edge contract, in one place: the API's schema (and so the CRD), the packager's config
// schema, the operator's JWKS check and the function itself all read them from here. Constants only, so any
// layer may import this file.

/** The minimum RSA modulus for RS256 (RFC 7518 §3.3). */
export const minModulusBits = 2048;
/** RSA public exponents accepted: 65537 only, the value every Cognito key uses. */
export const rsaPublicExponent = 65_537;
/** Keys baked into config.json, and keys a fallback fetch may add: Cognito pools publish two. */
export const maxJwksKeys = 10;
/** The largest JWKS document read, by the operator and by the function's fallback fetch. */
export const maxJwksBytes = 64 * 1024;
/** How far token times may be off by default: generous for clock skew at the edge. */
export const defaultClockToleranceSeconds = 30;
export const maxClockToleranceSeconds = 300;
/** App clients a resource may accept, and groups it may require. */
export const maxClientIds = 32;
export const maxRequiredGroups = 32;
/** Cognito's own limits: app client ids and group names are at most 128 characters. */
export const maxClientIdLength = 128;
export const maxGroupNameLength = 128;
/** Browser origins a resource may let read its responses cross-origin (spec.cors.allowedOrigins). */
export const maxCorsOrigins = 20;
/** The longest origin: "https://" + a 253-character host + ":65535". */
export const maxCorsOriginLength = 267;
/** How long a browser may cache a preflight answer (Access-Control-Max-Age). Chromium caps it at 7,200 s. */
export const defaultCorsMaxAgeSeconds = 600;
export const maxCorsMaxAgeSeconds = 86_400;
