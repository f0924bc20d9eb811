// Token sources: the Authorization Bearer header and the Cognito/Amplify cookies.
import { describe, expect, it } from "vitest";
import type { TokenSourceSettings } from "../../../edge-auth/src/token-source.ts";
import { extractToken } from "../../../edge-auth/src/token-source.ts";
import type { CloudFrontHeaders } from "../../../edge-auth/src/event.ts";
import { clientId, otherClientId } from "./fixtures.ts";

const both: TokenSourceSettings = { tokenSources: ["authorizationHeader", "cookie"], clientIds: [clientId], tokenUse: "id" };
const token = "aaa.bbb.ccc";

function headers(entries: Record<string, string | string[]>): CloudFrontHeaders {
  const result: Record<string, { key: string; value: string }[]> = {};
  for (const [name, value] of Object.entries(entries)) {
    result[name] = (typeof value === "string" ? [value] : value).map((v) => ({ key: name, value: v }));
  }
  return result;
}

const cookieName = (user: string, suffix = "idToken", client = clientId): string => `CognitoIdentityServiceProvider.${client}.${user}.${suffix}`;

describe("the Authorization header", () => {
  it("yields the token after 'Bearer '", () => {
    expect(extractToken(headers({ authorization: `Bearer ${token}` }), both)).toEqual({ ok: true, token, source: "authorizationHeader" });
  });

  it("matches the scheme case-insensitively", () => {
    expect(extractToken(headers({ authorization: `bearer ${token}` }), both)).toMatchObject({ ok: true, token });
    expect(extractToken(headers({ authorization: `BEARER ${token}` }), both)).toMatchObject({ ok: true, token });
  });

  it("passes everything after exactly one space on verbatim, so odd spacing fails token parsing", () => {
    expect(extractToken(headers({ authorization: `Bearer  ${token}` }), both)).toMatchObject({ ok: true, token: ` ${token}` });
  });

  it.each([
    ["Basic credentials", "Basic YWxpY2U6c2VjcmV0"],
    ["a bare token", token],
    ["another scheme", `Token ${token}`],
    ["the scheme glued to the token", `Bearer${token}`],
  ])("refuses %s", (_name, value) => {
    expect(extractToken(headers({ authorization: value }), both)).toEqual({ ok: false, reason: "unsupported_scheme" });
  });

  it("refuses an empty bearer token and two Authorization headers", () => {
    expect(extractToken(headers({ authorization: "Bearer " }), both)).toEqual({ ok: false, reason: "no_token" });
    expect(extractToken(headers({ authorization: [`Bearer ${token}`, `Bearer ${token}`] }), both)).toEqual({ ok: false, reason: "ambiguous_token" });
  });

  it("refuses an oversized header without slicing a token out of it", () => {
    expect(extractToken(headers({ authorization: `Bearer ${"a".repeat(100_000)}` }), both)).toEqual({ ok: false, reason: "token_too_large" });
  });

  it("decides on its own: a bad header is not rescued by a good cookie", () => {
    const h = headers({ authorization: "Basic eA==", cookie: `${cookieName("alice")}=${token}` });
    expect(extractToken(h, both)).toEqual({ ok: false, reason: "unsupported_scheme" });
  });

  it("is ignored when the source is switched off", () => {
    const cookieOnly = { ...both, tokenSources: ["cookie" as const] };
    expect(extractToken(headers({ authorization: `Bearer ${token}` }), cookieOnly)).toEqual({ ok: false, reason: "no_token" });
  });
});

describe("the Cognito cookie", () => {
  it("yields the ID token cookie of the configured client", () => {
    const h = headers({ cookie: `theme=dark; ${cookieName("alice")}=${token}; other=1` });
    expect(extractToken(h, both)).toEqual({ ok: true, token, source: "cookie" });
  });

  it("reads every Cookie header entry", () => {
    const h = headers({ cookie: ["theme=dark", `${cookieName("alice")}=${token}`] });
    expect(extractToken(h, both)).toMatchObject({ ok: true, token });
  });

  it("accepts user names with dots and at signs, and encoded ones", () => {
    expect(extractToken(headers({ cookie: `${cookieName("alice.smith@example.com")}=${token}` }), both)).toMatchObject({ ok: true, token });
    expect(extractToken(headers({ cookie: `${cookieName("alice%40example.com")}=${token}` }), both)).toMatchObject({ ok: true, token });
  });

  it("uses the accessToken cookie when access tokens are configured, and only then", () => {
    const h = headers({ cookie: `${cookieName("alice", "idToken")}=id.id.id; ${cookieName("alice", "accessToken")}=${token}` });
    expect(extractToken(h, { ...both, tokenUse: "access" })).toMatchObject({ ok: true, token });
    expect(extractToken(h, both)).toMatchObject({ ok: true, token: "id.id.id" });
  });

  it.each([
    ["another app client", cookieName("alice", "idToken", otherClientId)],
    ["a refresh token", cookieName("alice", "refreshToken")],
    ["no user", `CognitoIdentityServiceProvider.${clientId}.idToken`],
    ["an empty user", `CognitoIdentityServiceProvider.${clientId}..idToken`],
    ["a different prefix", `CognitoIdentityServiceProviderX.${clientId}.alice.idToken`],
    ["a lowercase prefix", `cognitoidentityserviceprovider.${clientId}.alice.idToken`],
  ])("ignores a cookie for %s", (_name, name) => {
    expect(extractToken(headers({ cookie: `${name}=${token}` }), both)).toEqual({ ok: false, reason: "no_token" });
  });

  it("picks LastAuthUser's token when several users have token cookies", () => {
    const h = headers({
      cookie: `${cookieName("bob")}=bob.bob.bob; ${cookieName("alice")}=${token}; CognitoIdentityServiceProvider.${clientId}.LastAuthUser=alice`,
    });
    expect(extractToken(h, both)).toMatchObject({ ok: true, token });
  });

  it("refuses several token cookies without a LastAuthUser that picks one", () => {
    const h = headers({ cookie: `${cookieName("bob")}=bob.bob.bob; ${cookieName("alice")}=${token}` });
    expect(extractToken(h, both)).toEqual({ ok: false, reason: "ambiguous_token" });
    const pointingElsewhere = headers({
      cookie: `${cookieName("bob")}=b.b.b; ${cookieName("alice")}=${token}; CognitoIdentityServiceProvider.${clientId}.LastAuthUser=carol`,
    });
    expect(extractToken(pointingElsewhere, both)).toEqual({ ok: false, reason: "ambiguous_token" });
  });

  it("refuses an oversized token cookie", () => {
    expect(extractToken(headers({ cookie: `${cookieName("alice")}=${"a".repeat(9000)}` }), both)).toEqual({ ok: false, reason: "token_too_large" });
  });

  it("is ignored when the source is switched off", () => {
    const headerOnly = { ...both, tokenSources: ["authorizationHeader" as const] };
    expect(extractToken(headers({ cookie: `${cookieName("alice")}=${token}` }), headerOnly)).toEqual({ ok: false, reason: "no_token" });
  });
});

describe("repeated Cognito cookies", () => {
  const lastAuthUser = (user: string, client = clientId) => `CognitoIdentityServiceProvider.${client}.LastAuthUser=${user}`;

  it("refuses a repeated LastAuthUser (as a sibling subdomain can add one) instead of letting the last win", () => {
    const h = headers({ cookie: `${cookieName("bob")}=b.b.b; ${cookieName("alice")}=${token}; ${lastAuthUser("alice")}; ${lastAuthUser("bob")}` });
    expect(extractToken(h, both)).toEqual({ ok: false, reason: "duplicate_cookie" });
  });

  it("refuses a LastAuthUser repeated in another Cookie line, even with the same value", () => {
    const h = headers({ cookie: [`${cookieName("alice")}=${token}; ${lastAuthUser("alice")}`, lastAuthUser("alice")] });
    expect(extractToken(h, both)).toEqual({ ok: false, reason: "duplicate_cookie" });
  });

  it("refuses a repeated token cookie, also when the user is spelled once encoded and once not", () => {
    expect(extractToken(headers({ cookie: `${cookieName("alice")}=${token}; ${cookieName("alice")}=x.y.z` }), both)).toEqual({ ok: false, reason: "duplicate_cookie" });
    const spellings = headers({ cookie: `${cookieName("alice@example.com")}=${token}; ${cookieName("alice%40example.com")}=${token}` });
    expect(extractToken(spellings, both)).toEqual({ ok: false, reason: "duplicate_cookie" });
    // Repeats of cookies it does not read (refresh token, the other token use) do not matter.
    const h = headers({ cookie: `${cookieName("alice", "refreshToken")}=1; ${cookieName("alice", "refreshToken")}=2; ${cookieName("alice", "accessToken")}=a; ${cookieName("alice", "accessToken")}=b; ${cookieName("alice")}=${token}` });
    expect(extractToken(h, both)).toEqual({ ok: true, token, source: "cookie" });
  });
});

describe("DQUOTE-wrapped cookie values (RFC 6265)", () => {
  it("unwraps a quoted token, and leaves a value with one quote as it is, to fail as a token", () => {
    expect(extractToken(headers({ cookie: `${cookieName("alice")}="${token}"` }), both)).toEqual({ ok: true, token, source: "cookie" });
    expect(extractToken(headers({ cookie: `${cookieName("alice")}="${token}` }), both)).toMatchObject({ ok: true, token: `"${token}` });
    expect(extractToken(headers({ cookie: `${cookieName("alice")}="` }), both)).toMatchObject({ ok: true, token: '"' });
  });

  it("unwraps a quoted LastAuthUser", () => {
    const h = headers({ cookie: `${cookieName("bob")}=b.b.b; ${cookieName("alice")}=${token}; CognitoIdentityServiceProvider.${clientId}.LastAuthUser="alice"` });
    expect(extractToken(h, both)).toMatchObject({ ok: true, token });
  });
});

describe("token cookies of several configured app clients", () => {
  const two: TokenSourceSettings = { ...both, clientIds: [clientId, otherClientId] };

  it("yields each client's token, in config order: the first to verify, the others as alternates", () => {
    const h = headers({ cookie: `${cookieName("alice", "idToken", otherClientId)}=other.other.other; ${cookieName("alice")}=${token}` });
    expect(extractToken(h, two)).toEqual({ ok: true, token, alternates: ["other.other.other"], source: "cookie" });
    expect(extractToken(h, { ...two, clientIds: [otherClientId, clientId] })).toEqual({ ok: true, token: "other.other.other", alternates: [token], source: "cookie" });
  });

  it("uses each client's own LastAuthUser, and refuses a client whose users it cannot tell apart", () => {
    const h = headers({
      cookie: [
        `${cookieName("bob")}=bob.bob.bob; ${cookieName("alice")}=${token}; CognitoIdentityServiceProvider.${clientId}.LastAuthUser=alice`,
        `${cookieName("alice", "idToken", otherClientId)}=o.o.o; CognitoIdentityServiceProvider.${otherClientId}.LastAuthUser=bob`,
      ].join("; "),
    });
    expect(extractToken(h, two)).toEqual({ ok: true, token, alternates: ["o.o.o"], source: "cookie" });
    // Without a LastAuthUser to pick one of its users, a client's cookies are ambiguous, whatever the other client holds.
    const ambiguous = headers({ cookie: `${cookieName("bob")}=b.b.b; ${cookieName("alice")}=a.a.a; ${cookieName("alice", "idToken", otherClientId)}=${token}` });
    expect(extractToken(ambiguous, two)).toEqual({ ok: false, reason: "ambiguous_token" });
  });

  it("refuses the request when any client's token cookie is oversized", () => {
    const h = headers({ cookie: `${cookieName("alice")}=${token}; ${cookieName("alice", "idToken", otherClientId)}=${"a".repeat(9000)}` });
    expect(extractToken(h, two)).toEqual({ ok: false, reason: "token_too_large" });
  });
});

it("reports no token when the request carries none", () => {
  expect(extractToken(headers({}), both)).toEqual({ ok: false, reason: "no_token" });
  expect(extractToken(headers({ cookie: "theme=dark; =x; novalue" }), both)).toEqual({ ok: false, reason: "no_token" });
});
