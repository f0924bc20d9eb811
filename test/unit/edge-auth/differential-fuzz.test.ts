// Differential fuzzing: the handler against jose's jwtVerify under the same key and options.
import * as fc from "fast-check";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import type { DenialReason } from "../../../edge-auth/src/errors.ts";
import {
  accessClaims,
  bearer,
  clientId,
  fixedNowMs,
  fixedNowSeconds as now,
  idClaims,
  issuer,
  otherClientId,
  requiredGroup,
  signRaw,
  signToken,
  testKeys,
  type TestKey,
} from "./fixtures.ts";
import { fuzzHandler, type HandlerVerdict } from "./fuzz-handler.ts";
import { applyMutation, mutationArb } from "./token-mutations.ts";

const tolerance = 30;
const { signing, attacker } = testKeys();

/**
 * Where the handler is deliberately stricter than jose. A token jose accepts may be refused only for one of these,
 * and the test checks, independently of the handler's code, that the token really breaks the rule it names.
 */
const stricterRules = {
  token_too_large: "a token over 8 KB is refused before parsing",
  malformed: "each segment must be canonical base64url: no padding, whitespace or stray trailing bits (jose decodes with a lenient atob)",
  crit_not_supported: 'any "crit" header is refused (jose understands crit: ["b64"] with b64: true)',
  header_key_material: "jku, jwk, x5u and x5c in the header are refused outright (jose ignores them when given a local JWKS)",
  kid_missing: "a string kid is required (jose falls back to the only key of a one-key JWKS)",
  wrong_audience: "aud must be a single string (jose accepts an array holding a client id)",
  issued_in_future: "iat later than now + tolerance is refused (jose checks iat only when maxTokenAge is set)",
} as const satisfies Partial<Record<DenialReason, string>>;
type StricterRule = keyof typeof stricterRules;

function lenientJson(segment: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment ?? "", "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The stricter rules a token breaks, computed from the token alone (not with the handler's code). */
function stricterRulesBrokenBy(token: string): Set<StricterRule> {
  const broken = new Set<StricterRule>();
  if (token.length > 8192) broken.add("token_too_large");
  const segments = token.split(".");
  const canonical = segments.length === 3 && segments.every((s) => s !== "" && Buffer.from(s, "base64url").toString("base64url") === s);
  if (!canonical) broken.add("malformed");
  const header = lenientJson(segments[0]);
  const payload = lenientJson(segments[1]);
  if (header !== undefined) {
    if (Object.hasOwn(header, "crit")) broken.add("crit_not_supported");
    if (["jku", "jwk", "x5u", "x5c"].some((member) => Object.hasOwn(header, member))) broken.add("header_key_material");
    if (typeof header.kid !== "string") broken.add("kid_missing");
  }
  if (payload !== undefined) {
    if (Array.isArray(payload.aud)) broken.add("wrong_audience");
    if (typeof payload.iat === "number" && payload.iat > now + tolerance) broken.add("issued_in_future");
  }
  return broken;
}

type Verdict = "allow" | "forbidden" | "reject";

const joseKeys = createLocalJWKSet({ keys: [{ kty: "RSA", kid: signing.kid, n: signing.jwk.n, e: signing.jwk.e, alg: "RS256", use: "sig" }] });

/** The reference: jose's jwtVerify with the same key and options, then Cognito's token_use and group rules. */
async function joseVerdict(token: string): Promise<Verdict> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, joseKeys, {
      issuer,
      audience: [clientId],
      algorithms: ["RS256"],
      clockTolerance: tolerance,
      currentDate: new Date(fixedNowMs),
      requiredClaims: ["exp"],
    }));
  } catch {
    return "reject";
  }
  if (payload.token_use !== "id") return "reject";
  const groups = payload["cognito:groups"];
  return Array.isArray(groups) && groups.includes(requiredGroup) ? "allow" : "forbidden";
}

/** Differences from jose seen so far, per stricter rule: the report of what the handler refuses beyond jose. */
const differences = new Map<StricterRule, number>();

function compare(token: string, reference: Verdict, actual: HandlerVerdict): void {
  expect(actual.status, "no exception may escape as a 500").not.toBe("500");
  if (actual.status === "forwarded") {
    expect(reference, "the handler allowed a token jose (plus the group rule) does not").toBe("allow");
    expect(actual.logs).toBe(0);
    expect(actual.authorizationForwarded).toBe(false);
    return;
  }
  expect(actual.logs, "one log line per denial").toBe(1);
  if (reference === "reject") {
    expect(actual.status, `jose rejects this token, so must the handler with 401 (reason ${String(actual.reason)})`).toBe("401");
    return;
  }
  if (reference === "forbidden" && actual.status === "403") return;
  // jose accepts the signature and claims; the handler may refuse only by a named stricter rule the token breaks.
  const rule = actual.reason as StricterRule;
  expect(Object.keys(stricterRules), `refused ${token.slice(0, 40)}… for ${String(actual.reason)}, not a named stricter rule`).toContain(rule);
  expect([...stricterRulesBrokenBy(token)], `the token does not break "${stricterRules[rule]}"`).toContain(rule);
  differences.set(rule, (differences.get(rule) ?? 0) + 1);
}

// ---- Arbitraries ---------------------------------------------------------------------------------------------

const omit = Symbol("omit");
type Variant = unknown;

/** Mostly the valid value, sometimes one of the variants (which may be `omit`). */
function mostly(valid: Variant, variants: readonly Variant[]): fc.Arbitrary<Variant> {
  return fc.oneof({ weight: 5, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: fc.constantFrom(...variants) });
}

const group = requiredGroup;
const claimsArb = fc.record({
  iss: mostly(issuer, [`${issuer}/`, `${issuer}X`, issuer.replace("us-east-1.", "eu-west-1."), issuer.toUpperCase(), issuer.replace("https", "http"), omit, 1]),
  aud: mostly(clientId, [otherClientId, [clientId], [otherClientId, clientId], [], omit, null, `${clientId} `]),
  token_use: mostly("id", ["access", "ID", "refresh", omit, null]),
  exp: mostly(now + 3600, [now - 29, now - 30, now - 31, now, now + 1, now - 29.5, now - 30.5, `${now + 3600}`, omit, null, 1e300]),
  nbf: mostly(omit, [now + 29, now + 30, now + 31, now + 30.5, now - 100, "0", null]),
  iat: mostly(now - 60, [now + 29, now + 30, now + 31, now + 30.5, omit, "x", null]),
  "cognito:groups": mostly([group], [[], group, [group.toUpperCase()], [`${group}-x`], [`x-${group}`], ["x", group], omit, [null], [[group]], { 0: group }]),
  client_id: mostly(omit, [clientId, otherClientId]),
  padding: fc.oneof({ weight: 30, arbitrary: fc.constant(omit) }, { weight: 1, arbitrary: fc.constant("p".repeat(6300)) }),
});

const headerArb = fc.record({
  alg: mostly("RS256", ["RS512", "HS256", "none", "rs256", "PS256", omit]),
  kid: mostly(signing.kid, [omit, "unknown-kid", 7, "", null]),
  typ: fc.constantFrom(omit, "JWT", "at+jwt"),
  crit: mostly(omit, [["b64"], [], ["exp"], "b64"]),
  b64: mostly(omit, [true, false]),
  jku: mostly(omit, ["https://attacker.example/jwks.json"]),
  jwk: mostly(omit, [attacker.jwk, signing.jwk]),
  x5c: mostly(omit, [["MIIBIjANBgkq"]]),
  x5u: mostly(omit, ["https://attacker.example/cert.pem"]),
});

function withoutOmitted(record: Record<string, Variant>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== omit));
}

const keyArb = fc.oneof({ weight: 9, arbitrary: fc.constant(signing) }, { weight: 1, arbitrary: fc.constant(attacker) });

// ---- Properties ----------------------------------------------------------------------------------------------

function mint(header: Record<string, unknown>, claims: Record<string, unknown>, key: TestKey = signing): string {
  return signToken(header, claims, key);
}

const rs256 = { alg: "RS256", kid: signing.kid };
/** Signed tokens that mutations start from: valid, invalid, and ones jose accepts but the handler refuses. */
const seeds = [
  mint(rs256, idClaims()),
  mint(rs256, idClaims({ "cognito:groups": ["free"] })),
  mint(rs256, idClaims({ exp: now - 3600 })),
  mint(rs256, idClaims({ aud: otherClientId })),
  mint(rs256, accessClaims()),
  mint(rs256, idClaims({ aud: [clientId] })),
  mint({ ...rs256, crit: ["b64"], b64: true }, idClaims()),
  mint({ alg: "RS256" }, idClaims()),
  mint({ ...rs256, jku: "https://attacker.example/jwks.json" }, idClaims()),
  mint(rs256, idClaims({ iat: now + 600 })),
  mint(rs256, idClaims(), attacker),
];

describe("differential fuzzing against jose", () => {
  it("signed header and claim variations: never more permissive than jose, stricter only by named rules", async () => {
    const verdict = fuzzHandler();
    await fc.assert(
      fc.asyncProperty(headerArb, claimsArb, keyArb, async (header, claims, key) => {
        const token = signRaw(JSON.stringify(withoutOmitted(header)), JSON.stringify(withoutOmitted(claims)), key.privateKey);
        compare(token, await joseVerdict(token), await verdict(bearer(token)));
      }),
      { numRuns: 3000 },
    );
  }, 120_000);

  it("mutated tokens (characters, segments, encodings): never more permissive than jose, stricter only by named rules", async () => {
    const verdict = fuzzHandler();
    const mutatedToken = fc
      .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutationArb, { minLength: 0, maxLength: 3 }))
      .map(([seed, mutations]) => mutations.reduce((token, mutation) => applyMutation(token, mutation, seeds), seeds[seed] ?? ""));
    await fc.assert(
      fc.asyncProperty(mutatedToken, async (token) => {
        compare(token, await joseVerdict(token), await verdict(bearer(token)));
      }),
      { numRuns: 5000 },
    );
  }, 120_000);

  it("every difference from jose seen is one of the named stricter rules, and each rule was exercised", () => {
    // The two properties above found these; a rule never seen would mean the generators stopped reaching it.
    expect([...differences.keys()].sort()).toEqual(Object.keys(stricterRules).sort());
    console.info(`differences from jose, by stricter rule: ${JSON.stringify(Object.fromEntries(differences))}`);
  });
});
