// CORS at the edge: which requests are preflights, how they are answered, and what a denial tells the app.
import { describe, expect, it } from "vitest";
import type { CorsConfig } from "../../../edge-auth/src/config.ts";
import { createCors, isPreflight } from "../../../edge-auth/src/cors.ts";
import type { CloudFrontHeaders, CloudFrontRequest } from "../../../edge-auth/src/event.ts";
import { appOrigin, otherOrigin } from "./fixtures.ts";

const config: CorsConfig = { allowedOrigins: [appOrigin, "http://localhost:5173"], allowCredentials: false, maxAgeSeconds: 600 };

function headers(entries: Record<string, string | string[]>): CloudFrontHeaders {
  const result: Record<string, { key: string; value: string }[]> = {};
  for (const [name, value] of Object.entries(entries)) {
    result[name] = (typeof value === "string" ? [value] : value).map((v) => ({ key: name, value: v }));
  }
  return result;
}

function request(method: string, entries: Record<string, string | string[]>): CloudFrontRequest {
  return { clientIp: "203.0.113.1", method, uri: "/a.mp4", querystring: "", headers: headers(entries) };
}

const asked = { origin: appOrigin, "access-control-request-method": "GET" };

describe("isPreflight", () => {
  it("is OPTIONS with Access-Control-Request-Method, token or not", () => {
    expect(isPreflight(request("OPTIONS", { "access-control-request-method": "GET" }))).toBe(true);
    expect(isPreflight(request("OPTIONS", { ...asked, authorization: "Bearer a.b.c" }))).toBe(true);
  });

  it("is not an OPTIONS without it (an ordinary request that needs a token), nor another method with it", () => {
    expect(isPreflight(request("OPTIONS", { origin: appOrigin }))).toBe(false);
    expect(isPreflight(request("GET", asked))).toBe(false);
    expect(isPreflight(request("options", asked))).toBe(false);
  });
});

describe("a preflight", () => {
  const cors = createCors(config);

  it("from an allowed origin gets the CORS answer: that origin, GET and HEAD, the two headers, max-age, Vary", () => {
    expect(cors.preflight(headers({ ...asked, "access-control-request-headers": "authorization" }))).toEqual({
      ok: true,
      headers: {
        vary: [{ key: "Vary", value: "Origin" }],
        "access-control-allow-origin": [{ key: "Access-Control-Allow-Origin", value: appOrigin }],
        "access-control-allow-methods": [{ key: "Access-Control-Allow-Methods", value: "GET, HEAD" }],
        "access-control-allow-headers": [{ key: "Access-Control-Allow-Headers", value: "authorization, range" }],
        "access-control-max-age": [{ key: "Access-Control-Max-Age", value: "600" }],
      },
    });
  });

  it("says Access-Control-Allow-Credentials: true only when credentials are allowed", () => {
    const withCredentials = createCors({ ...config, allowCredentials: true, maxAgeSeconds: 0 }).preflight(headers(asked));
    expect(withCredentials).toMatchObject({
      ok: true,
      headers: {
        "access-control-allow-credentials": [{ key: "Access-Control-Allow-Credentials", value: "true" }],
        "access-control-max-age": [{ key: "Access-Control-Max-Age", value: "0" }],
      },
    });
    expect(cors.preflight(headers(asked))).not.toHaveProperty("headers.access-control-allow-credentials");
  });

  it.each([
    ["HEAD", undefined],
    ["GET", "authorization,range"],
    ["GET", "Range, Authorization"],
    ["GET", " authorization ,\trange "],
    ["GET", ""],
    ["GET", ["authorization", "range"]],
  ])("is allowed for method %s with requested headers %j", (method, requested) => {
    const h = headers({ origin: appOrigin, "access-control-request-method": method, ...(requested === undefined ? {} : { "access-control-request-headers": requested }) });
    expect(cors.preflight(h)).toMatchObject({ ok: true });
  });

  it.each([
    ["another origin", { ...asked, origin: otherOrigin }],
    ["the allowed origin with a trailing slash", { ...asked, origin: `${appOrigin}/` }],
    ["the allowed origin in capitals", { ...asked, origin: appOrigin.toUpperCase() }],
    ["the allowed origin over http", { ...asked, origin: appOrigin.replace("https:", "http:") }],
    ["the allowed origin with its default port spelled out", { ...asked, origin: `${appOrigin}:443` }],
    ["a sibling that ends like it", { ...asked, origin: "https://evil-app.example.com" }],
    ["a domain that starts like it", { ...asked, origin: `${appOrigin}.evil.example.net` }],
    ["an opaque origin", { ...asked, origin: "null" }],
    ["two Origin headers, one allowed", { ...asked, origin: [appOrigin, otherOrigin] }],
    ["the allowed origin twice", { ...asked, origin: [appOrigin, appOrigin] }],
    ["no Origin", { "access-control-request-method": "GET" }],
  ])("from %s is refused as origin_not_allowed", (_what, entries) => {
    expect(cors.preflight(headers(entries))).toEqual({ ok: false, reason: "origin_not_allowed" });
  });

  it.each([
    ["POST", { "access-control-request-method": "POST" }],
    ["DELETE", { "access-control-request-method": "DELETE" }],
    ["a lowercase get", { "access-control-request-method": "get" }],
    ["two methods", { "access-control-request-method": ["GET", "GET"] }],
    ["an empty method", { "access-control-request-method": "" }],
    ["another header", { "access-control-request-headers": "authorization, x-requested-with" }],
    ["content-type", { "access-control-request-headers": "content-type" }],
    ["a header in a second line", { "access-control-request-headers": ["authorization", "x-api-key"] }],
  ])("asking for %s is refused as preflight_not_allowed", (_what, entries) => {
    expect(cors.preflight(headers({ ...asked, ...entries }))).toEqual({ ok: false, reason: "preflight_not_allowed" });
  });

  it("is always refused when CORS is not configured", () => {
    expect(createCors(undefined).preflight(headers(asked))).toEqual({ ok: false, reason: "origin_not_allowed" });
  });
});

describe("the headers of a generated response", () => {
  const cors = createCors({ ...config, allowCredentials: true });

  it("let an allowed origin read it, with credentials when configured", () => {
    expect(cors.responseHeaders(headers({ origin: "http://localhost:5173" }))).toEqual({
      vary: [{ key: "Vary", value: "Origin" }],
      "access-control-allow-origin": [{ key: "Access-Control-Allow-Origin", value: "http://localhost:5173" }],
      "access-control-allow-credentials": [{ key: "Access-Control-Allow-Credentials", value: "true" }],
    });
  });

  it("carry only Vary: Origin for another origin, no origin, or an unreadable header", () => {
    const varyOnly = { vary: [{ key: "Vary", value: "Origin" }] };
    expect(cors.responseHeaders(headers({ origin: otherOrigin }))).toEqual(varyOnly);
    expect(cors.responseHeaders(headers({}))).toEqual(varyOnly);
    expect(cors.responseHeaders({ origin: [{ value: 42 as unknown as string }] })).toEqual(varyOnly);
    expect(cors.responseHeaders(undefined as unknown as CloudFrontHeaders)).toEqual(varyOnly);
    expect(cors.varyHeaders()).toEqual(varyOnly);
  });

  it("are none at all without a CORS config, as before", () => {
    expect(createCors(undefined).responseHeaders(headers({ origin: appOrigin }))).toEqual({});
    expect(createCors(undefined).varyHeaders()).toEqual({});
  });

  it("are fresh objects each time", () => {
    const first = cors.responseHeaders(headers({ origin: appOrigin }));
    expect(cors.responseHeaders(headers({ origin: appOrigin }))).not.toBe(first);
  });
});
