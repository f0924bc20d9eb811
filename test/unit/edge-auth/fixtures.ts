// Shared fixtures for the edge authorizer tests: keys, a config, token minting and CloudFront events.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import type { EdgeConfig, RsaJwk } from "../../../edge-auth/src/config.ts";
import type { CloudFrontHeaders, CloudFrontRequestEvent } from "../../../edge-auth/src/event.ts";

export const issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123";
export const clientId = "4b3c2d1e0f5a6b7c8d9e0f1a2b";
export const otherClientId = "9z8y7x6w5v4u3t2s1r0q9p8o7n";
export const requiredGroup = "paid-students";
/** A fixed wall clock (ms) for every test, so expiry is explicit. */
export const fixedNowMs = Date.UTC(2025, 5, 1, 12, 0, 0);
export const fixedNowSeconds = Math.floor(fixedNowMs / 1000);

export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: RsaJwk;
}

export function makeKey(kid: string, modulusLength = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
  const exported = publicKey.export({ format: "jwk" });
  if (typeof exported.n !== "string" || typeof exported.e !== "string") throw new Error("RSA key without n/e");
  return { kid, privateKey, publicKey, jwk: { kty: "RSA", kid, n: exported.n, e: exported.e, alg: "RS256", use: "sig" } };
}

let cachedKeys: { signing: TestKey; attacker: TestKey; rotated: TestKey } | undefined;

/** The pool's signing key, an attacker's key, and a key the pool rotates to later. Generated once per test file. */
export function testKeys(): { signing: TestKey; attacker: TestKey; rotated: TestKey } {
  cachedKeys ??= { signing: makeKey("pool-key-1"), attacker: makeKey("attacker-key"), rotated: makeKey("pool-key-2") };
  return cachedKeys;
}

export function testConfig(overrides: Partial<EdgeConfig> = {}): EdgeConfig {
  return {
    issuer,
    clientIds: [clientId],
    requiredGroups: [requiredGroup],
    tokenUse: "id",
    tokenSources: ["authorizationHeader", "cookie"],
    jwks: { keys: [testKeys().signing.jwk] },
    clockToleranceSeconds: 30,
    ...overrides,
  };
}

export function base64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString("base64url");
}

/** Signs exactly the given header and payload JSON text with RS256 (no normalisation, so tests can send odd JSON). */
export function signRaw(headerJson: string, payloadJson: string, privateKey: KeyObject): string {
  const signingInput = `${base64url(headerJson)}.${base64url(payloadJson)}`;
  return `${signingInput}.${base64url(sign("sha256", Buffer.from(signingInput), privateKey))}`;
}

export function signToken(header: Record<string, unknown>, payload: Record<string, unknown>, key: TestKey = testKeys().signing): string {
  return signRaw(JSON.stringify(header), JSON.stringify(payload), key.privateKey);
}

/** Claims of a valid Cognito ID token for a member of the required group, at fixedNow. */
export function idClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: "3f1c2b4a-0000-4000-8000-000000000001",
    "cognito:groups": [requiredGroup],
    iss: issuer,
    "cognito:username": "alice",
    aud: clientId,
    event_id: "0b6e0d5c-1111-4111-8111-111111111111",
    token_use: "id",
    auth_time: fixedNowSeconds - 60,
    exp: fixedNowSeconds + 3600,
    iat: fixedNowSeconds - 60,
    email: "alice@example.com",
    ...overrides,
  };
}

// DER of the DigestInfo that precedes a SHA-256 hash in an RSASSA-PKCS1-v1_5 encoding (RFC 8017 §9.2, note 1).
const sha256DigestInfo = Buffer.from("3031300d060960864801650304020105000420", "hex");

/**
 * The weak-exponent forgery: a public key with a real modulus but e=1, and a token "signed" without any private
 * key. Under e=1 verification computes s^1 mod n = s, so a signature equal to the PKCS#1 v1.5 encoding of the
 * hash (EM = 00 01 FF…FF 00 DigestInfo H, smaller than n) verifies. Returns the JWK and the forged token.
 */
export function forgeWithExponentOne(kid: string, payload: Record<string, unknown>): { jwk: RsaJwk; token: string; signingInput: string; signature: Buffer } {
  const { n } = testKeys().attacker.jwk;
  const modulusBytes = Buffer.from(n, "base64url").length;
  const signingInput = `${base64url(JSON.stringify({ kid, alg: "RS256" }))}.${base64url(JSON.stringify(payload))}`;
  const hash = createHash("sha256").update(signingInput).digest();
  const padding = Buffer.alloc(modulusBytes - 3 - sha256DigestInfo.length - hash.length, 0xff);
  const signature = Buffer.concat([Buffer.from([0x00, 0x01]), padding, Buffer.from([0x00]), sha256DigestInfo, hash]);
  return { jwk: { kty: "RSA", kid, n, e: "AQ", alg: "RS256", use: "sig" }, token: `${signingInput}.${base64url(signature)}`, signingInput, signature };
}

/** Claims of a valid Cognito access token for a member of the required group, at fixedNow. */
export function accessClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: "3f1c2b4a-0000-4000-8000-000000000001",
    "cognito:groups": [requiredGroup],
    iss: issuer,
    client_id: clientId,
    origin_jti: "6f6d-2222",
    token_use: "access",
    scope: "aws.cognito.signin.user.admin",
    auth_time: fixedNowSeconds - 60,
    exp: fixedNowSeconds + 3600,
    iat: fixedNowSeconds - 60,
    jti: "7a7b-3333",
    username: "alice",
    ...overrides,
  };
}

export function validIdToken(overrides: Record<string, unknown> = {}): string {
  return signToken({ kid: testKeys().signing.kid, alg: "RS256" }, idClaims(overrides));
}

/** A viewer-request event with the given headers (names lowercase, as CloudFront sends them). */
export function viewerRequest(headers: Record<string, string | readonly string[]> = {}, method = "GET"): CloudFrontRequestEvent {
  const cloudFrontHeaders: CloudFrontHeaders = {
    host: [{ key: "Host", value: "d111111abcdef8.cloudfront.net" }],
    "user-agent": [{ key: "User-Agent", value: "vitest" }],
  };
  for (const [name, value] of Object.entries(headers)) {
    const values = typeof value === "string" ? [value] : value;
    cloudFrontHeaders[name] = values.map((v) => ({ key: name, value: v }));
  }
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: "viewer-request", requestId: "r1" },
          request: { clientIp: "203.0.113.178", method, uri: "/courses/intro/segment-001.ts", querystring: "", headers: cloudFrontHeaders },
        },
      },
    ],
  };
}

export function bearer(token: string): CloudFrontRequestEvent {
  return viewerRequest({ authorization: `Bearer ${token}` });
}

export function idTokenCookie(token: string, user = "alice", client = clientId): string {
  return `CognitoIdentityServiceProvider.${client}.${user}.idToken=${token}`;
}

/** The web app allowed to read cross-origin in `corsConfig`, and one that is not. */
export const appOrigin = "https://app.example.com";
export const otherOrigin = "https://evil.example.net";

export function corsConfig(overrides: Partial<NonNullable<EdgeConfig["cors"]>> = {}): EdgeConfig {
  return testConfig({
    cors: { allowedOrigins: [appOrigin, "http://localhost:5173"], allowCredentials: false, maxAgeSeconds: 600, ...overrides },
  });
}

/** A CORS preflight as a browser sends it before a cross-origin fetch with an Authorization header. */
export function preflight(headers: Record<string, string | readonly string[]> = {}): CloudFrontRequestEvent {
  return viewerRequest({ origin: appOrigin, "access-control-request-method": "GET", "access-control-request-headers": "authorization", ...headers }, "OPTIONS");
}

/** Drops the given headers from an event's request (e.g. to send a preflight without its Origin). */
export function withoutHeaders(event: CloudFrontRequestEvent, ...names: string[]): CloudFrontRequestEvent {
  const request = event.Records[0]?.cf.request;
  if (request === undefined) return event;
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !names.includes(name)));
  return { Records: [{ cf: { ...event.Records[0]?.cf, request: { ...request, headers } } }] };
}
