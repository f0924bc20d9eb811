// Request fuzzing: generated Authorization and Cookie headers never crash the handler or let a wrong token in.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TokenSource } from "../../../edge-auth/src/config.ts";
import { clientId, fixedNowSeconds as now, idClaims, otherClientId, signToken, testKeys, viewerRequest } from "./fixtures.ts";
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
});
