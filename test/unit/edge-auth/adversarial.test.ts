// An adversarial corpus: known JWT attacks and Cognito confusions, each denied with the right status.
import { createHmac } from "node:crypto";
import { SignJWT, importPKCS8 } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { CloudFrontRequestEvent } from "../../../edge-auth/src/event.ts";
import { createHandler, type LogEntry } from "../../../edge-auth/src/handler.ts";
import type { DenialReason } from "../../../edge-auth/src/errors.ts";
import {
  accessClaims,
  appOrigin,
  base64url,
  bearer,
  clientId,
  corsConfig,
  fixedNowMs,
  fixedNowSeconds as now,
  idClaims,
  issuer,
  otherClientId,
  otherOrigin,
  preflight,
  requiredGroup,
  signRaw,
  signToken,
  testConfig,
  testKeys,
  validIdToken,
  viewerRequest,
} from "./fixtures.ts";
import { closedLoopbackPort } from "./loopback.ts";

const { signing, attacker } = testKeys();
const kid = signing.kid;

function hmacToken(header: Record<string, unknown>, payload: Record<string, unknown>, secret: Uint8Array | string): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${createHmac("sha256", secret).update(signingInput).digest("base64url")}`;
}

function withPayload(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split(".");
  return `${header ?? ""}.${base64url(JSON.stringify(payload))}.${signature ?? ""}`;
}

interface Case {
  readonly name: string;
  readonly event: () => CloudFrontRequestEvent | Promise<CloudFrontRequestEvent>;
  readonly status: "401" | "403";
  readonly reason: DenialReason;
}

const cases: Case[] = [
  // Algorithm confusion.
  { name: "alg none with an empty signature", event: () => bearer(`${base64url('{"alg":"none","kid":"pool-key-1"}')}.${base64url(JSON.stringify(idClaims()))}.`), status: "401", reason: "malformed" },
  { name: "alg none with some signature", event: () => bearer(signRaw(JSON.stringify({ alg: "none", kid }), JSON.stringify(idClaims()), attacker.privateKey)), status: "401", reason: "alg_not_allowed" },
  { name: "alg None spelled otherwise", event: () => bearer(signToken({ alg: "nOnE", kid }, idClaims(), attacker)), status: "401", reason: "alg_not_allowed" },
  { name: "HS256 signed with the RSA public key as PEM", event: () => bearer(hmacToken({ alg: "HS256", kid }, idClaims(), signing.publicKey.export({ type: "spki", format: "pem" }).toString())), status: "401", reason: "alg_not_allowed" },
  { name: "HS256 signed with the raw modulus", event: () => bearer(hmacToken({ alg: "HS256", kid }, idClaims(), Buffer.from(signing.jwk.n, "base64url"))), status: "401", reason: "alg_not_allowed" },
  { name: "HS256 minted by jose with the PEM as secret", event: async () => bearer(await new SignJWT(idClaims()).setProtectedHeader({ alg: "HS256", kid }).sign(new TextEncoder().encode(signing.publicKey.export({ type: "spki", format: "pem" }).toString()))), status: "401", reason: "alg_not_allowed" },
  { name: "RS512 with the right key", event: () => bearer(signToken({ alg: "RS512", kid }, idClaims())), status: "401", reason: "alg_not_allowed" },
  // Key confusion.
  { name: "the right kid signed by another key", event: () => bearer(signToken({ alg: "RS256", kid }, idClaims(), attacker)), status: "401", reason: "bad_signature" },
  { name: "the right kid signed by another key, minted by jose", event: async () => bearer(await new SignJWT(idClaims()).setProtectedHeader({ alg: "RS256", kid }).sign(await importPKCS8(attacker.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "RS256"))), status: "401", reason: "bad_signature" },
  { name: "an embedded jwk of the attacker's key", event: () => bearer(signToken({ alg: "RS256", kid: attacker.kid, jwk: attacker.jwk }, idClaims(), attacker)), status: "401", reason: "header_key_material" },
  { name: "an embedded jwk under the pool's kid", event: () => bearer(signToken({ alg: "RS256", kid, jwk: attacker.jwk }, idClaims(), attacker)), status: "401", reason: "header_key_material" },
  { name: "a jku pointing at the attacker's JWKS", event: () => bearer(signToken({ alg: "RS256", kid: attacker.kid, jku: "http://127.0.0.1:9/jwks.json" }, idClaims(), attacker)), status: "401", reason: "header_key_material" },
  { name: "an x5c chain", event: () => bearer(signToken({ alg: "RS256", kid, x5c: ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"] }, idClaims(), attacker)), status: "401", reason: "header_key_material" },
  { name: "an x5u URL", event: () => bearer(signToken({ alg: "RS256", kid, x5u: "http://127.0.0.1:9/cert.pem" }, idClaims(), attacker)), status: "401", reason: "header_key_material" },
  { name: "an unknown critical extension", event: () => bearer(signToken({ alg: "RS256", kid, crit: ["exp"], exp: 1 }, idClaims())), status: "401", reason: "crit_not_supported" },
  { name: "unencoded payload (b64: false)", event: () => bearer(signToken({ alg: "RS256", kid, crit: ["b64"], b64: false }, idClaims())), status: "401", reason: "crit_not_supported" },
  { name: "no kid", event: () => bearer(signToken({ alg: "RS256" }, idClaims())), status: "401", reason: "kid_missing" },
  // Issuer.
  { name: "another pool", event: () => bearer(validIdToken({ iss: `${issuer.slice(0, -3)}XyZ` })), status: "401", reason: "wrong_issuer" },
  { name: "another region", event: () => bearer(validIdToken({ iss: issuer.replace("cognito-idp.us-east-1", "cognito-idp.eu-west-1") })), status: "401", reason: "wrong_issuer" },
  { name: "a trailing slash on the issuer", event: () => bearer(validIdToken({ iss: `${issuer}/` })), status: "401", reason: "wrong_issuer" },
  // Time.
  { name: "a missing exp", event: () => bearer(validIdToken({ exp: undefined })), status: "401", reason: "exp_missing" },
  { name: "an expired token", event: () => bearer(validIdToken({ exp: now - 31 })), status: "401", reason: "expired" },
  { name: "a future nbf", event: () => bearer(validIdToken({ nbf: now + 3600 })), status: "401", reason: "not_yet_valid" },
  { name: "a future iat", event: () => bearer(validIdToken({ iat: now + 3600 })), status: "401", reason: "issued_in_future" },
  // Audience and token use.
  { name: "a token for another app client", event: () => bearer(validIdToken({ aud: otherClientId })), status: "401", reason: "wrong_audience" },
  { name: "an access token posing as an ID token", event: () => bearer(signToken({ alg: "RS256", kid }, accessClaims())), status: "401", reason: "wrong_token_use" },
  { name: "an access token claiming token_use id", event: () => bearer(signToken({ alg: "RS256", kid }, accessClaims({ token_use: "id" }))), status: "401", reason: "wrong_audience" },
  // Structure.
  { name: "a tampered payload (group added)", event: () => bearer(withPayload(validIdToken({ "cognito:groups": ["free"] }), idClaims())), status: "401", reason: "bad_signature" },
  { name: "a tampered payload (exp extended)", event: () => bearer(withPayload(validIdToken({ exp: now - 3600 }), idClaims())), status: "401", reason: "bad_signature" },
  { name: "a stripped signature", event: () => bearer(validIdToken().split(".").slice(0, 2).join(".") + "."), status: "401", reason: "malformed" },
  { name: "two segments", event: () => bearer(validIdToken().split(".").slice(0, 2).join(".")), status: "401", reason: "malformed" },
  { name: "four segments", event: () => bearer(`${validIdToken()}.${base64url("x")}`), status: "401", reason: "malformed" },
  { name: "non-base64url characters", event: () => bearer(validIdToken().replace(/.$/, "*")), status: "401", reason: "malformed" },
  { name: "base64 padding on the signature", event: () => bearer(`${validIdToken()}==`), status: "401", reason: "malformed" },
  { name: "a header that isn't JSON", event: () => bearer(`${base64url("{alg:'RS256'}")}.${validIdToken().split(".").slice(1).join(".")}`), status: "401", reason: "malformed" },
  { name: "a 100 KB token", event: () => bearer(signToken({ alg: "RS256", kid }, idClaims({ padding: "x".repeat(100 * 1024) }))), status: "401", reason: "token_too_large" },
  { name: "a 100 KB token cookie", event: () => viewerRequest({ cookie: `CognitoIdentityServiceProvider.${clientId}.alice.idToken=${"a".repeat(100 * 1024)}` }), status: "401", reason: "token_too_large" },
  // Groups.
  { name: "groups given as a string", event: () => bearer(validIdToken({ "cognito:groups": requiredGroup })), status: "403", reason: "not_in_group" },
  { name: "a group differing by case", event: () => bearer(validIdToken({ "cognito:groups": [requiredGroup.toUpperCase()] })), status: "403", reason: "not_in_group" },
  { name: "a group differing by a prefix", event: () => bearer(validIdToken({ "cognito:groups": [`x${requiredGroup}`] })), status: "403", reason: "not_in_group" },
  { name: "a group differing by a suffix", event: () => bearer(validIdToken({ "cognito:groups": [`${requiredGroup}x`] })), status: "403", reason: "not_in_group" },
  { name: "no groups at all", event: () => bearer(validIdToken({ "cognito:groups": undefined })), status: "403", reason: "not_in_group" },
  // Credentials.
  { name: "Basic credentials", event: () => viewerRequest({ authorization: `Basic ${Buffer.from("alice:secret").toString("base64")}` }), status: "401", reason: "unsupported_scheme" },
  { name: "the token without a scheme", event: () => viewerRequest({ authorization: validIdToken() }), status: "401", reason: "unsupported_scheme" },
  { name: "two Authorization headers", event: () => viewerRequest({ authorization: [`Bearer ${validIdToken()}`, `Bearer ${validIdToken()}`] }), status: "401", reason: "ambiguous_token" },
  // Cookie tossing: a page on a sibling subdomain can set cookies for the parent domain, so the browser sends a
  // second cookie of the same name; whichever comes last must not decide.
  { name: "a tossed LastAuthUser pointing at another user's token", event: () => viewerRequest({ cookie: `${lastAuthUser("alice")}; ${tokenCookie("alice", validIdToken())}; ${tokenCookie("mallory", validIdToken({ "cognito:groups": [], "cognito:username": "mallory" }))}; ${lastAuthUser("mallory")}` }), status: "401", reason: "duplicate_cookie" },
  { name: "a tossed second token cookie for the signed-in user", event: () => viewerRequest({ cookie: `${tokenCookie("alice", validIdToken({ "cognito:groups": [] }))}; ${tokenCookie("alice", validIdToken())}` }), status: "401", reason: "duplicate_cookie" },
];

function tokenCookie(user: string, token: string): string {
  return `CognitoIdentityServiceProvider.${clientId}.${user}.idToken=${token}`;
}

function lastAuthUser(user: string): string {
  return `CognitoIdentityServiceProvider.${clientId}.LastAuthUser=${user}`;
}

// Preflights are answered at the edge and never forwarded: each of these is refused with 403 and no CORS header,
// even with the member's valid token attached.
const memberCredentials = () => ({ authorization: `Bearer ${validIdToken()}`, cookie: tokenCookie("alice", validIdToken()) });
const preflightCases: readonly { readonly name: string; readonly event: () => CloudFrontRequestEvent; readonly reason: DenialReason }[] = [
  { name: "another origin carrying the member's token", event: () => preflight({ ...memberCredentials(), origin: otherOrigin }), reason: "origin_not_allowed" },
  { name: "an origin ending like the allowed one", event: () => preflight({ origin: "https://evilapp.example.com" }), reason: "origin_not_allowed" },
  { name: "the allowed origin as a prefix of another host", event: () => preflight({ origin: `${appOrigin}.evil.example.net` }), reason: "origin_not_allowed" },
  { name: "the allowed origin over plain http", event: () => preflight({ origin: appOrigin.replace("https://", "http://") }), reason: "origin_not_allowed" },
  { name: "the allowed origin in capitals", event: () => preflight({ origin: appOrigin.toUpperCase() }), reason: "origin_not_allowed" },
  { name: "the allowed origin with a trailing slash", event: () => preflight({ origin: `${appOrigin}/` }), reason: "origin_not_allowed" },
  { name: "the allowed origin with a path", event: () => preflight({ origin: `${appOrigin}/app` }), reason: "origin_not_allowed" },
  { name: "the opaque origin null (sandboxed iframe, file:)", event: () => preflight({ origin: "null" }), reason: "origin_not_allowed" },
  { name: "a wildcard origin", event: () => preflight({ origin: "*" }), reason: "origin_not_allowed" },
  { name: "an allowed and a foreign Origin header", event: () => preflight({ origin: [otherOrigin, appOrigin] }), reason: "origin_not_allowed" },
  { name: "an Origin header with a NUL after the allowed origin", event: () => preflight({ origin: `${appOrigin}\u0000` }), reason: "origin_not_allowed" },
  { name: "a PUT from the allowed origin with the member's token", event: () => preflight({ ...memberCredentials(), "access-control-request-method": "PUT" }), reason: "preflight_not_allowed" },
  { name: "a DELETE from the allowed origin", event: () => preflight({ "access-control-request-method": "DELETE" }), reason: "preflight_not_allowed" },
  { name: "a custom request header", event: () => preflight({ "access-control-request-headers": "authorization, x-amz-security-token" }), reason: "preflight_not_allowed" },
  { name: "a cookie request header", event: () => preflight({ "access-control-request-headers": "cookie" }), reason: "preflight_not_allowed" },
];

describe("the adversarial corpus", () => {
  let jwksUri = "";
  beforeAll(async () => {
    jwksUri = `http://127.0.0.1:${await closedLoopbackPort()}/jwks.json`;
  });

  it.each(cases)("denies $name with $status ($reason)", async ({ event, status, reason }) => {
    const logs: LogEntry[] = [];
    const fetched: string[] = [];
    const handler = createHandler(testConfig({ jwksUri }), {
      now: () => fixedNowMs,
      log: (entry) => logs.push(entry),
      fetch: (url) => {
        fetched.push(url);
        return Promise.reject(new Error("refused"));
      },
    });
    const result = await handler(await event());
    expect(result).toMatchObject({ status });
    expect(logs).toMatchObject([{ msg: "request denied", reason }]);
    expect(fetched, "no header may make the function fetch anything").toEqual([]);
  });

  it("denies an unknown kid quickly when jwksUri is unreachable, and fetches at most once per cooldown", async () => {
    const logs: LogEntry[] = [];
    const handler = createHandler(testConfig({ jwksUri }), { now: () => fixedNowMs, log: (entry) => logs.push(entry) });
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => handler(bearer(signToken({ alg: "RS256", kid: `random-${i}` }, idClaims(), attacker)))),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(results.every((result) => "status" in result && result.status === "401")).toBe(true);
    expect(logs.filter((entry) => entry.msg === "jwks fallback fetch")).toEqual([{ level: "warn", msg: "jwks fallback fetch", outcome: "network_error" }]);
    expect(logs.filter((entry) => "reason" in entry && entry.reason === "unknown_kid")).toHaveLength(20);
  });

  it.each(preflightCases)("refuses a preflight from $name with 403 ($reason), no CORS header, nothing forwarded or fetched", async ({ event, reason }) => {
    const logs: LogEntry[] = [];
    const fetched: string[] = [];
    const handler = createHandler(corsConfig({ allowCredentials: true }), {
      now: () => fixedNowMs,
      log: (entry) => logs.push(entry),
      fetch: (url) => {
        fetched.push(url);
        return Promise.reject(new Error("refused"));
      },
    });
    const result = await handler(event());
    expect(result).toMatchObject({ status: "403" });
    expect(Object.keys("headers" in result ? result.headers : {}).filter((name) => name.startsWith("access-control-"))).toEqual([]);
    expect(logs).toMatchObject([{ msg: "request denied", reason }]);
    expect(fetched).toEqual([]);
  });

  it("answers a preflight from the allowed origin with 204 even with the member's token, and never forwards it", async () => {
    const handler = createHandler(corsConfig(), { now: () => fixedNowMs, log: () => undefined });
    expect(await handler(preflight(memberCredentials()))).toMatchObject({ status: "204" });
  });

  it("still allows the genuine token, so the corpus is not denying everything", async () => {
    const handler = createHandler(testConfig({ jwksUri }), { now: () => fixedNowMs, log: () => undefined });
    expect(await handler(bearer(validIdToken()))).not.toHaveProperty("status");
  });
});
