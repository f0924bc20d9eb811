// Request fuzzing: generated Authorization and Cookie headers never crash the handler or let a wrong token in.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TokenSource } from "../../../edge-auth/src/config.ts";
import { appOrigin, clientId, fixedNowSeconds as now, idClaims, otherClientId, otherOrigin, signToken, testKeys, viewerRequest } from "./fixtures.ts";
import { fuzzHandler } from "./fuzz-handler.ts";

const { signing } = testKeys();
const rs256 = { alg: "RS256", kid: signing.kid };
const member = signToken(rs256, idClaims());
const otherTokens = [
  signToken(rs256, idClaims({ "cognito:groups": ["free"] })),
  signToken(rs256, idClaims({ exp: now - 3600 })),
  signToken(rs256, idClaims({ aud: otherClientId })),
  signToken(rs256, idClaims(), testKeys().attacker),
];
const tokenChoice = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(member, ...otherTokens) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom(`${member} `, ` ${member}`, `"${member}"`, `${member};`, member.replace(/\./g, "%2E")) },
);
const cookieNames = [
  `CognitoIdentityServiceProvider.${clientId}.alice.idToken`,
  `CognitoIdentityServiceProvider.${clientId}.bob.idToken`,
  `CognitoIdentityServiceProvider.${clientId}.alice.accessToken`,
  `CognitoIdentityServiceProvider.${clientId}.alice.refreshToken`,
  `CognitoIdentityServiceProvider.${otherClientId}.alice.idToken`,
  `CognitoIdentityServiceProvider.${clientId}.alice.idtoken`,
  `CognitoIdentityServiceProvider.${clientId}..idToken`,
  "theme",
];
const cookiePairArb = fc.oneof(
  fc.constant(`CognitoIdentityServiceProvider.${clientId}.alice.idToken=${member}`),
  fc.tuple(fc.constantFrom(...cookieNames), tokenChoice).map(([name, value]) => `${name}=${value}`),
  fc.constantFrom("alice", "bob", "carol").map((user) => `CognitoIdentityServiceProvider.${clientId}.LastAuthUser=${user}`),
  fc.string({ unit: "binary", maxLength: 40 }),
);
const cookieHeaderArb = fc
  .tuple(fc.array(cookiePairArb, { maxLength: 5 }), fc.constantFrom("; ", ";", " ; ", ";;"))
  .map(([pairs, separator]) => pairs.join(separator));
const schemeArb = fc.constantFrom("Bearer ", "bearer ", "BEARER ", "Bearer  ", "Bearer\t", "Basic ", "Bearer", "Token ", "", " Bearer ");
const authorizationArb = fc.oneof(
  fc.constant([`Bearer ${member}`]),
  fc.tuple(schemeArb, tokenChoice).map(([scheme, token]) => [`${scheme}${token}`]),
  fc.tuple(schemeArb, tokenChoice, tokenChoice).map(([scheme, a, b]) => [`${scheme}${a}`, `${scheme}${b}`]),
  fc.string({ unit: "binary", maxLength: 64 }).map((value) => [value]),
);
const sourcesArb = fc.constantFrom<readonly TokenSource[]>(["authorizationHeader", "cookie"], ["authorizationHeader"], ["cookie"]);

describe("fuzzing requests", () => {
  it("headers and cookies: no exception, only 401/403 or forwarding, and only a valid member token is let through", async () => {
    const handlers = new Map<readonly TokenSource[], ReturnType<typeof fuzzHandler>>();
    let forwarded = 0;
    await fc.assert(
      fc.asyncProperty(sourcesArb, fc.option(authorizationArb), fc.option(fc.array(cookieHeaderArb, { minLength: 1, maxLength: 2 })), async (sources, authorization, cookies) => {
        let verdict = handlers.get(sources);
        if (verdict === undefined) {
          verdict = fuzzHandler(sources);
          handlers.set(sources, verdict);
        }
        const event = viewerRequest({ ...(authorization === null ? {} : { authorization }), ...(cookies === null ? {} : { cookie: cookies }) });
        const result = await verdict(event);
        expect(["forwarded", "401", "403"]).toContain(result.status);
        if (result.status !== "forwarded") return;
        forwarded += 1;
        expect(result.authorizationForwarded).toBe(false);
        const presented = [
          ...(sources.includes("authorizationHeader") ? (authorization ?? []) : []),
          ...(sources.includes("cookie") ? (cookies ?? []) : []),
        ];
        expect(presented.some((value) => value.includes(member)), "allowed without presenting the member's token").toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(forwarded, "the generator must reach the allow path too").toBeGreaterThan(50);
  }, 120_000);

  it("methods, origins and preflight headers: preflights never forwarded, 204 and CORS headers only for what is allowed, no Cognito cookie forwarded", async () => {
    const verdict = fuzzHandler(["authorizationHeader", "cookie"], { cors: { allowedOrigins: corsOrigins, allowCredentials: true, maxAgeSeconds: 600 } });
    const counts = { preflights: 0, allowedPreflights: 0, forwarded: 0 };
    await fc.assert(
      fc.asyncProperty(corsRequestArb, async (input) => {
        const result = await verdict(viewerRequest(corsRequestHeaders(input), input.method));
        const expected = expectedPreflightStatus(input);
        const onlyOrigin = input.origins?.length === 1 ? input.origins[0] : undefined;
        const originAllowed = onlyOrigin !== undefined && corsOrigins.includes(onlyOrigin);
        const allowOrigin = result.headers["access-control-allow-origin"];
        if (expected === undefined) expect(["forwarded", "401", "403"]).toContain(result.status);
        else {
          counts.preflights += 1;
          if (expected === "204") counts.allowedPreflights += 1;
          expect(result.status, "a preflight is answered at the edge").toBe(expected);
        }
        if (result.status === "forwarded") {
          counts.forwarded += 1;
          expect(result.authorizationForwarded).toBe(false);
          for (const entry of result.headers.cookie ?? []) expect(entry.value).not.toContain("CognitoIdentityServiceProvider.");
          return;
        }
        expect(result.headers["cache-control"]).toEqual([{ key: "Cache-Control", value: "private, no-store" }]);
        // A refused preflight tells nothing; every other generated answer lets exactly an allowed origin read it.
        const readable = originAllowed && result.reason !== "origin_not_allowed" && result.reason !== "preflight_not_allowed";
        expect(allowOrigin, "CORS headers exactly for an allowed origin").toEqual(readable ? [{ key: "Access-Control-Allow-Origin", value: onlyOrigin }] : undefined);
      }),
      { numRuns: 3000 },
    );
    expect(counts.preflights, "the generator must make preflights").toBeGreaterThan(500);
    expect(counts.allowedPreflights, "and allowed ones").toBeGreaterThan(100);
    expect(counts.forwarded, "and reach the allow path").toBeGreaterThan(200);
  }, 120_000);
});

const corsOrigins = [appOrigin, "http://localhost:5173"];
const originArb = fc.oneof(
  fc.constantFrom(...corsOrigins),
  fc.constantFrom(otherOrigin, "null", "*", `${appOrigin}/`, appOrigin.toUpperCase(), `${appOrigin}:443`, "http://localhost:5174", "", ` ${appOrigin}`),
  fc.string({ unit: "binary", maxLength: 30 }),
);
const requestedHeadersArb = fc.oneof(
  { weight: 3, arbitrary: fc.subarray(["authorization", "range", "Authorization", " range", ""]).map((names) => names.join(",")) },
  { weight: 1, arbitrary: fc.subarray(["authorization", "x-custom", "content-type", "range"]).map((names) => names.join(", ")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
);
const corsRequestArb = fc.record({
  method: fc.constantFrom("GET", "HEAD", "OPTIONS", "OPTIONS", "POST"),
  origins: fc.option(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...corsOrigins).map((origin) => [origin]) },
      { weight: 2, arbitrary: fc.array(originArb, { minLength: 1, maxLength: 2 }) },
    ),
  ),
  requestMethods: fc.option(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("GET", "HEAD").map((requested) => [requested]) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom("GET", "HEAD", "PUT", "get", "", "DELETE"), { minLength: 1, maxLength: 2 }) },
    ),
  ),
  requestedHeaders: fc.option(fc.array(requestedHeadersArb, { minLength: 1, maxLength: 2 })),
  authorization: fc.option(fc.constantFrom(`Bearer ${member}`, `Bearer ${otherTokens[0] ?? ""}`)),
  cookie: fc.option(cookieHeaderArb),
});
type CorsRequest = (typeof corsRequestArb) extends fc.Arbitrary<infer T> ? T : never;

function corsRequestHeaders(input: CorsRequest): Record<string, string | string[]> {
  return {
    ...(input.origins === null ? {} : { origin: input.origins }),
    ...(input.requestMethods === null ? {} : { "access-control-request-method": input.requestMethods }),
    ...(input.requestedHeaders === null ? {} : { "access-control-request-headers": input.requestedHeaders }),
    ...(input.authorization === null ? {} : { authorization: input.authorization }),
    ...(input.cookie === null ? {} : { cookie: input.cookie }),
  };
}

/** What a preflight must get, worked out from the request alone; undefined when the request is no preflight. */
function expectedPreflightStatus(input: CorsRequest): "204" | "403" | undefined {
  if (input.method !== "OPTIONS" || input.requestMethods === null) return undefined;
  const originAllowed = input.origins?.length === 1 && corsOrigins.includes(input.origins[0] ?? "");
  const methodAllowed = input.requestMethods.length === 1 && ["GET", "HEAD"].includes(input.requestMethods[0] ?? "");
  const headersAllowed = (input.requestedHeaders ?? []).every((value) =>
    value.split(",").every((name) => ["", "authorization", "range"].includes(name.trim().toLowerCase())),
  );
  return originAllowed && methodAllowed && headersAllowed ? "204" : "403";
}
