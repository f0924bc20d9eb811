// The handler end to end (in process): allow, deny, sources, clock, logs, fail closed.
import { describe, expect, it } from "vitest";
import { loopbackServer } from "./loopback.ts";
import type { CloudFrontRequestEvent, CloudFrontResultResponse } from "../../../edge-auth/src/event.ts";
import { createHandler, createUnavailableHandler, type HandlerOptions, type LogEntry } from "../../../edge-auth/src/handler.ts";
import type { EdgeConfig } from "../../../edge-auth/src/config.ts";
import {
  accessClaims,
  appOrigin,
  bearer,
  clientId,
  corsConfig,
  fixedNowMs,
  idClaims,
  idTokenCookie,
  otherClientId,
  otherOrigin,
  preflight,
  signToken,
  testConfig,
  testKeys,
  validIdToken,
  viewerRequest,
  withoutHeaders,
} from "./fixtures.ts";

interface Run {
  readonly status: string;
  readonly forwardedHeaders?: Record<string, unknown>;
  /** The generated response's headers. */
  readonly headers?: Record<string, unknown>;
  readonly body?: string | undefined;
  readonly logs: LogEntry[];
}

function makeHandler(config: EdgeConfig = testConfig(), options: HandlerOptions = {}) {
  const logs: LogEntry[] = [];
  const handler = createHandler(config, { now: () => fixedNowMs, log: (entry) => logs.push(entry), ...options });
  return {
    logs,
    run: async (event: CloudFrontRequestEvent): Promise<Run> => {
      const result = await handler(event);
      if ("status" in result && typeof result.status === "string") {
        const response = result as CloudFrontResultResponse;
        return { status: response.status, headers: response.headers, body: response.body, logs };
      }
      return { status: "forwarded", forwardedHeaders: result.headers, logs };
    },
  };
}

describe("an allowed request", () => {
  it("is forwarded with the authorization header removed and other headers kept", async () => {
    const { run } = makeHandler();
    const result = await run(bearer(validIdToken()));
    expect(result.status).toBe("forwarded");
    expect(result.forwardedHeaders).not.toHaveProperty("authorization");
    expect(result.forwardedHeaders).toHaveProperty("host");
    expect(result.logs).toEqual([]);
  });

  it("can come with the Cognito ID token cookie, which is what <video src> sends", async () => {
    const { run } = makeHandler();
    const result = await run(viewerRequest({ cookie: `lang=en; ${idTokenCookie(validIdToken())}` }));
    expect(result.status).toBe("forwarded");
  });

  it("can carry an access token when the config asks for access tokens", async () => {
    const { run } = makeHandler(testConfig({ tokenUse: "access" }));
    const token = signToken({ kid: testKeys().signing.kid, alg: "RS256" }, accessClaims());
    expect((await run(bearer(token))).status).toBe("forwarded");
    const cookie = `CognitoIdentityServiceProvider.${accessClaims().client_id as string}.alice.accessToken=${token}`;
    expect((await run(viewerRequest({ cookie }))).status).toBe("forwarded");
  });
});

describe("a key the pool rotated to after packaging", () => {
  it("is fetched once from jwksUri, then verified locally", async () => {
    const { signing, rotated, attacker } = testKeys();
    const server = await loopbackServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [signing.jwk, rotated.jwk] }));
    });
    try {
      const { run, logs } = makeHandler(testConfig({ jwksUri: server.url }), { fetch });
      const token = signToken({ alg: "RS256", kid: rotated.kid }, idClaims(), rotated);
      expect((await run(bearer(token))).status).toBe("forwarded");
      expect((await run(bearer(token))).status).toBe("forwarded");
      expect((await run(bearer(signToken({ alg: "RS256", kid: "random" }, idClaims(), attacker)))).status).toBe("401");
      expect(server.requests()).toBe(1);
      expect(logs).toMatchObject([
        { msg: "jwks fallback fetch", outcome: "added_keys", level: "info" },
        { msg: "request denied", reason: "unknown_kid" },
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("token sources follow the config", () => {
  it("ignores the cookie when only the header is enabled", async () => {
    const { run } = makeHandler(testConfig({ tokenSources: ["authorizationHeader"] }));
    expect((await run(viewerRequest({ cookie: idTokenCookie(validIdToken()) }))).status).toBe("401");
  });

  it("ignores the header when only the cookie is enabled", async () => {
    const { run } = makeHandler(testConfig({ tokenSources: ["cookie"] }));
    expect((await run(bearer(validIdToken()))).status).toBe("401");
  });
});

describe("a denied request", () => {
  it("gets 401 when there is no token", async () => {
    const { run } = makeHandler();
    const result = await run(viewerRequest());
    expect(result.status).toBe("401");
    expect(result.logs).toEqual([{ level: "warn", msg: "request denied", reason: "no_token", status: 401, method: "GET", uri: "/courses/intro/segment-001.ts" }]);
  });

  it("gets 401 once the clock passes exp plus the tolerance", async () => {
    let now = fixedNowMs;
    const { run, logs } = makeHandler(testConfig(), { now: () => now });
    const token = validIdToken({ exp: Math.floor(fixedNowMs / 1000) + 60 });
    expect((await run(bearer(token))).status).toBe("forwarded");
    now += 89_000;
    expect((await run(bearer(token))).status).toBe("forwarded");
    now += 1_000;
    expect((await run(bearer(token))).status).toBe("401");
    expect(logs.at(-1)).toMatchObject({ reason: "expired", source: "authorizationHeader" });
  });

  it("gets 403 when the token is valid but lacks the group", async () => {
    const { run, logs } = makeHandler();
    expect((await run(bearer(validIdToken({ "cognito:groups": ["free-students"] })))).status).toBe("403");
    expect(logs).toMatchObject([{ reason: "not_in_group", status: 403 }]);
  });

  it("logs one line per denial and never the token or the cookie", async () => {
    const lines: string[] = [];
    const { run } = makeHandler(testConfig(), { log: (entry) => lines.push(JSON.stringify(entry)) });
    const tokens = [
      validIdToken({ "cognito:groups": [] }),
      validIdToken({ exp: 1 }),
      `${validIdToken()}x`,
      signToken({ kid: testKeys().signing.kid, alg: "RS256" }, { not: "json object?" }, testKeys().attacker),
    ];
    for (const token of tokens) {
      await run(bearer(token));
      await run(viewerRequest({ cookie: idTokenCookie(token) }));
    }
    expect(lines).toHaveLength(tokens.length * 2);
    for (const line of lines) {
      expect(line).not.toMatch(/eyJ/);
      for (const token of tokens) {
        for (const segment of token.split(".")) expect(line).not.toContain(segment);
      }
    }
  });
});

describe("failing closed", () => {
  it("answers 500 without throwing when the event is not a viewer-request event", async () => {
    const { run, logs } = makeHandler();
    for (const event of [{}, { Records: [] }, { Records: [{ cf: {} }] }, null] as unknown as CloudFrontRequestEvent[]) {
      expect((await run(event)).status).toBe("500");
    }
    expect(logs.every((entry) => "reason" in entry && entry.reason === "internal_error")).toBe(true);
  });

  it("answers 500 when header values are not strings", async () => {
    const { run } = makeHandler();
    const event = viewerRequest();
    const request = event.Records[0]?.cf.request as unknown as { headers: Record<string, unknown> };
    request.headers.authorization = [{ key: "Authorization", value: 42 }];
    expect((await run(event)).status).toBe("500");
  });

  it("still denies when the logger throws", async () => {
    const { run } = makeHandler(testConfig(), {
      log: () => {
        throw new Error("log sink down");
      },
    });
    expect((await run(viewerRequest())).status).toBe("401");
  });

  it("refuses to build with a baked key that does not import", () => {
    const broken = testConfig({ jwks: { keys: [{ ...testKeys().signing.jwk, n: "AQAB" }] } });
    expect(() => createHandler(broken)).toThrow();
  });

  it("with an unusable config, denies everything with 500 and says why once", async () => {
    const logs: LogEntry[] = [];
    const handler = createUnavailableHandler(new Error("config.json has invalid fields: issuer"), (entry) => logs.push(entry));
    const result = await handler(bearer(validIdToken()));
    expect(result).toMatchObject({ status: "500" });
    expect(logs[0]).toEqual({ level: "error", msg: "config unusable, denying every request", error: "config.json has invalid fields: issuer" });
  });
});

const noStore = [{ key: "Cache-Control", value: "private, no-store" }];
const vary = [{ key: "Vary", value: "Origin" }];

function corsHeaderNames(headers: Record<string, unknown> | undefined): string[] {
  return Object.keys(headers ?? {}).filter((name) => name.startsWith("access-control-"));
}

describe("a CORS preflight", () => {
  it("from an allowed origin is answered at the edge: 204, the CORS headers, private, no-store, no log line", async () => {
    const { run } = makeHandler(corsConfig({ allowCredentials: true, maxAgeSeconds: 7200 }));
    const result = await run(preflight({ "access-control-request-headers": "authorization,range" }));
    expect(result).toEqual({
      status: "204",
      headers: {
        "cache-control": noStore,
        vary,
        "access-control-allow-origin": [{ key: "Access-Control-Allow-Origin", value: appOrigin }],
        "access-control-allow-credentials": [{ key: "Access-Control-Allow-Credentials", value: "true" }],
        "access-control-allow-methods": [{ key: "Access-Control-Allow-Methods", value: "GET, HEAD" }],
        "access-control-allow-headers": [{ key: "Access-Control-Allow-Headers", value: "authorization, range" }],
        "access-control-max-age": [{ key: "Access-Control-Max-Age", value: "7200" }],
      },
      body: undefined,
      logs: [],
    });
  });

  it("is never forwarded, even when it carries the member's bearer token and cookie", async () => {
    const { run } = makeHandler(corsConfig());
    const withToken = { authorization: `Bearer ${validIdToken()}`, cookie: idTokenCookie(validIdToken()) };
    expect((await run(preflight(withToken))).status).toBe("204");
    expect((await run(preflight({ ...withToken, origin: otherOrigin }))).status).toBe("403");
    expect((await run(preflight({ ...withToken, "access-control-request-method": "PUT" }))).status).toBe("403");
  });

  it("from another origin gets 403 with no CORS headers and no bearer challenge, and one log line", async () => {
    const { run, logs } = makeHandler(corsConfig());
    const result = await run(preflight({ origin: otherOrigin }));
    expect(result.status).toBe("403");
    expect(corsHeaderNames(result.headers)).toEqual([]);
    expect(result.headers).not.toHaveProperty("www-authenticate");
    expect(result.headers).toMatchObject({ "cache-control": noStore, vary });
    expect(logs).toEqual([{ level: "warn", msg: "request denied", reason: "origin_not_allowed", status: 403, method: "OPTIONS", uri: "/courses/intro/segment-001.ts" }]);
  });

  it("without an Origin, or asking for another method or header, gets 403 with no CORS headers", async () => {
    const { run, logs } = makeHandler(corsConfig());
    for (const event of [
      withoutHeaders(preflight(), "origin"),
      preflight({ "access-control-request-method": "POST" }),
      preflight({ "access-control-request-headers": "authorization, x-custom" }),
    ]) {
      const result = await run(event);
      expect(result.status).toBe("403");
      expect(corsHeaderNames(result.headers)).toEqual([]);
    }
    expect(logs.map((entry) => "reason" in entry && entry.reason)).toEqual(["origin_not_allowed", "preflight_not_allowed", "preflight_not_allowed"]);
  });

  it("is refused with 403 when the resource has no CORS settings, and then carries no CORS header at all", async () => {
    const { run, logs } = makeHandler();
    const result = await run(preflight({ authorization: `Bearer ${validIdToken()}` }));
    expect(result.status).toBe("403");
    expect(result.headers).not.toHaveProperty("vary");
    expect(corsHeaderNames(result.headers)).toEqual([]);
    expect(logs).toMatchObject([{ reason: "origin_not_allowed" }]);
  });

  it("is only an OPTIONS with Access-Control-Request-Method: a bare OPTIONS needs a token like any request", async () => {
    const { run, logs } = makeHandler(corsConfig());
    const bare = withoutHeaders(preflight(), "access-control-request-method");
    expect((await run(bare)).status).toBe("401");
    expect(logs).toMatchObject([{ reason: "no_token", method: "OPTIONS" }]);
    const withToken = viewerRequest({ origin: appOrigin, authorization: `Bearer ${validIdToken()}` }, "OPTIONS");
    expect((await run(withToken)).status).toBe("forwarded");
    const asPreflight = viewerRequest({ origin: appOrigin, authorization: `Bearer ${validIdToken()}`, "access-control-request-method": "GET" }, "OPTIONS");
    expect((await run(asPreflight)).status).toBe("204");
  });
});

describe("the generated 401 and 403 with CORS configured", () => {
  it("let an allowed origin's app read them: allow-origin, credentials, Vary, private, no-store", async () => {
    const { run } = makeHandler(corsConfig({ allowCredentials: true }));
    const unauthorized = await run(viewerRequest({ origin: appOrigin }));
    const forbidden = await run(viewerRequest({ origin: appOrigin, authorization: `Bearer ${validIdToken({ "cognito:groups": [] })}` }));
    for (const [result, status] of [[unauthorized, "401"], [forbidden, "403"]] as const) {
      expect(result.status).toBe(status);
      expect(result.headers).toMatchObject({
        "cache-control": noStore,
        vary,
        "access-control-allow-origin": [{ key: "Access-Control-Allow-Origin", value: appOrigin }],
        "access-control-allow-credentials": [{ key: "Access-Control-Allow-Credentials", value: "true" }],
        "www-authenticate": [{ key: "WWW-Authenticate", value: status === "401" ? 'Bearer error="invalid_token"' : 'Bearer error="insufficient_scope"' }],
      });
    }
  });

  it("leave credentials out unless configured, and change nothing in what is forwarded", async () => {
    const { run } = makeHandler(corsConfig());
    const result = await run(viewerRequest({ origin: "http://localhost:5173" }));
    expect(result.headers).toMatchObject({ "access-control-allow-origin": [{ key: "Access-Control-Allow-Origin", value: "http://localhost:5173" }] });
    expect(result.headers).not.toHaveProperty("access-control-allow-credentials");
    const allowed = await run(viewerRequest({ origin: appOrigin, authorization: `Bearer ${validIdToken()}` }));
    expect(allowed.status).toBe("forwarded");
    expect(allowed.forwardedHeaders).toHaveProperty("origin");
  });

  it("say nothing to another origin, or to a request without Origin, but Vary: Origin", async () => {
    const { run } = makeHandler(corsConfig({ allowCredentials: true }));
    for (const event of [viewerRequest({ origin: otherOrigin }), viewerRequest(), viewerRequest({ origin: [appOrigin, otherOrigin] })]) {
      const result = await run(event);
      expect(result.status).toBe("401");
      expect(corsHeaderNames(result.headers)).toEqual([]);
      expect(result.headers).toMatchObject({ vary, "cache-control": noStore });
    }
  });

  it("are the same for a 500 caused by the request", async () => {
    const { run } = makeHandler(corsConfig());
    const event = viewerRequest({ origin: appOrigin });
    const request = event.Records[0]?.cf.request as unknown as { headers: Record<string, unknown> };
    request.headers.authorization = [{ key: "Authorization", value: 42 }];
    const result = await run(event);
    expect(result.status).toBe("500");
    expect(result.headers).toMatchObject({ "access-control-allow-origin": [{ key: "Access-Control-Allow-Origin", value: appOrigin }], "cache-control": noStore });
  });
});

describe("the Cognito cookies", () => {
  it("are taken off the forwarded request; other cookies stay", async () => {
    const { run } = makeHandler();
    const cookie = `lang=en; ${idTokenCookie(validIdToken())}; CognitoIdentityServiceProvider.${clientId}.LastAuthUser=alice; theme=dark`;
    const result = await run(viewerRequest({ cookie }));
    expect(result.status).toBe("forwarded");
    expect(result.forwardedHeaders?.cookie).toEqual([{ key: "cookie", value: "lang=en; theme=dark" }]);
  });

  it("are taken off with the Cookie header when nothing else is left, also for a bearer request", async () => {
    const { run } = makeHandler();
    const result = await run(viewerRequest({ authorization: `Bearer ${validIdToken()}`, cookie: idTokenCookie(validIdToken()) }));
    expect(result.status).toBe("forwarded");
    expect(result.forwardedHeaders).not.toHaveProperty("cookie");
  });

  it("deny a repeated LastAuthUser with duplicate_cookie rather than letting the last one win", async () => {
    const { run, logs } = makeHandler();
    const nonMember = signToken({ kid: testKeys().signing.kid, alg: "RS256" }, idClaims({ "cognito:groups": [], "cognito:username": "bob" }));
    const cookie = `${idTokenCookie(validIdToken())}; ${idTokenCookie(nonMember, "bob")}; CognitoIdentityServiceProvider.${clientId}.LastAuthUser=bob; CognitoIdentityServiceProvider.${clientId}.LastAuthUser=alice`;
    expect((await run(viewerRequest({ cookie }))).status).toBe("401");
    expect(logs).toMatchObject([{ reason: "duplicate_cookie", status: 401 }]);
  });

  it("may hold the token in DQUOTEs", async () => {
    const { run } = makeHandler();
    expect((await run(viewerRequest({ cookie: `CognitoIdentityServiceProvider.${clientId}.alice.idToken="${validIdToken()}"` }))).status).toBe("forwarded");
  });
});

describe("a user signed in to two configured app clients", () => {
  const twoClients = testConfig({ clientIds: [clientId, otherClientId] });
  const otherClientToken = (overrides: Record<string, unknown> = {}) => validIdToken({ aud: otherClientId, ...overrides });

  it("is allowed: both clients' tokens carry the same sub", async () => {
    const { run, logs } = makeHandler(twoClients);
    const cookie = `${idTokenCookie(validIdToken())}; ${idTokenCookie(otherClientToken(), "alice", otherClientId)}`;
    expect((await run(viewerRequest({ cookie }))).status).toBe("forwarded");
    expect(logs).toEqual([]);
  });

  it("is allowed when the first client's session has expired and the other's is valid", async () => {
    const { run } = makeHandler(twoClients);
    const cookie = `${idTokenCookie(validIdToken({ exp: 1 }))}; ${idTokenCookie(otherClientToken(), "alice", otherClientId)}`;
    expect((await run(viewerRequest({ cookie }))).status).toBe("forwarded");
  });

  it("gets 403 when the only valid token lacks the group, and the first refusal when none verifies", async () => {
    const { run, logs } = makeHandler(twoClients);
    const expiredThenOutsider = `${idTokenCookie(validIdToken({ exp: 1 }))}; ${idTokenCookie(otherClientToken({ "cognito:groups": [] }), "alice", otherClientId)}`;
    expect((await run(viewerRequest({ cookie: expiredThenOutsider }))).status).toBe("403");
    const bothBroken = `${idTokenCookie(validIdToken({ exp: 1 }))}; ${idTokenCookie(`${otherClientToken()}x`, "alice", otherClientId)}`;
    expect((await run(viewerRequest({ cookie: bothBroken }))).status).toBe("401");
    expect(logs).toMatchObject([{ reason: "not_in_group", source: "cookie" }, { reason: "expired", source: "cookie" }]);
  });
});
