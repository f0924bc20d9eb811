// Strict compact-JWS parsing and the header rules.
import { describe, expect, it } from "vitest";
import { checkHeader, decodeJsonSegment, maxTokenLength, parseCompactJws } from "../../../edge-auth/src/jws.ts";
import { base64url, validIdToken } from "./fixtures.ts";

const header = base64url('{"alg":"RS256","kid":"k"}');
const payload = base64url('{"sub":"x"}');
const signature = base64url(new Uint8Array(256).fill(7));

function reasonOf(token: string): string {
  const parsed = parseCompactJws(token);
  return parsed.ok ? "ok" : parsed.reason;
}

describe("parseCompactJws", () => {
  it("splits a well-formed token into header, signing input, payload segment and signature", () => {
    const parsed = parseCompactJws(`${header}.${payload}.${signature}`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.jws.header).toEqual({ alg: "RS256", kid: "k" });
    expect(parsed.jws.signingInput).toBe(`${header}.${payload}`);
    expect(parsed.jws.payloadSegment).toBe(payload);
    expect(parsed.jws.signature).toHaveLength(256);
  });

  it("accepts a real RS256 token", () => {
    expect(reasonOf(validIdToken())).toBe("ok");
  });

  it.each([
    ["two segments", `${header}.${payload}`],
    ["four segments", `${header}.${payload}.${signature}.${signature}`],
    ["an empty signature", `${header}.${payload}.`],
    ["an empty header", `.${payload}.${signature}`],
    ["an empty payload", `${header}..${signature}`],
    ["padding", `${header}.${payload}.${signature}==`],
    ["standard base64 characters", `${header}.${payload}.${signature.slice(0, -2)}+/`],
    ["whitespace inside", `${header}.${payload}.${signature.slice(0, 10)} ${signature.slice(10)}`],
    ["a trailing newline", `${header}.${payload}.${signature}\n`],
    ["leading whitespace", ` ${header}.${payload}.${signature}`],
    ["non-ASCII characters", `${header}.${payload}.${signature.slice(0, -1)}é`],
    ["a segment of length 1 mod 4", `${header}.${payload}.${signature}AAA`],
    ["a header that is not JSON", `${base64url("{alg:RS256}")}.${payload}.${signature}`],
    ["a header that is a JSON array", `${base64url('["RS256"]')}.${payload}.${signature}`],
    ["a header that is JSON null", `${base64url("null")}.${payload}.${signature}`],
    ["a header in invalid UTF-8", `${base64url(new Uint8Array([0x7b, 0xff, 0x7d]))}.${payload}.${signature}`],
  ])("rejects %s as malformed", (_name, token) => {
    expect(reasonOf(token)).toBe("malformed");
  });

  it("rejects non-canonical trailing bits, which lenient decoders map onto the same signature", () => {
    const canonical = base64url(new Uint8Array([1, 2, 3, 4])); // "AQIDBA": the last character carries 4 unused bits
    expect(canonical).toBe("AQIDBA");
    expect(reasonOf(`${header}.${payload}.AQIDBA`)).toBe("ok");
    expect(reasonOf(`${header}.${payload}.AQIDBB`)).toBe("malformed");
    expect(Buffer.from("AQIDBB", "base64url")).toEqual(Buffer.from("AQIDBA", "base64url"));
  });

  it("rejects a token over 8 KB before looking at it", () => {
    expect(reasonOf("x".repeat(maxTokenLength + 1))).toBe("token_too_large");
    expect(reasonOf(`${header}.${payload}.${"A".repeat(100 * 1024)}`)).toBe("token_too_large");
  });
});

describe("decodeJsonSegment", () => {
  it("decodes a JSON object and nothing else", () => {
    expect(decodeJsonSegment(base64url('{"a":1}'))).toEqual({ a: 1 });
    expect(decodeJsonSegment(base64url("[1]"))).toBeUndefined();
    expect(decodeJsonSegment(base64url("1"))).toBeUndefined();
    expect(decodeJsonSegment(base64url('"text"'))).toBeUndefined();
    expect(decodeJsonSegment(base64url("{"))).toBeUndefined();
  });
});

describe("checkHeader", () => {
  it("returns the kid of an RS256 header", () => {
    expect(checkHeader({ alg: "RS256", kid: "k", typ: "JWT" })).toEqual({ ok: true, kid: "k" });
  });

  it.each([
    [{ alg: "none", kid: "k" }, "alg_not_allowed"],
    [{ alg: "HS256", kid: "k" }, "alg_not_allowed"],
    [{ alg: "rs256", kid: "k" }, "alg_not_allowed"],
    [{ alg: "RS512", kid: "k" }, "alg_not_allowed"],
    [{ alg: "PS256", kid: "k" }, "alg_not_allowed"],
    [{ kid: "k" }, "alg_not_allowed"],
    [{ alg: "RS256", kid: "k", crit: ["exp"] }, "crit_not_supported"],
    [{ alg: "RS256", kid: "k", crit: ["b64"], b64: true }, "crit_not_supported"],
    [{ alg: "RS256", kid: "k", crit: [] }, "crit_not_supported"],
    [{ alg: "RS256", kid: "k", jku: "https://attacker.example/jwks.json" }, "header_key_material"],
    [{ alg: "RS256", kid: "k", x5u: "https://attacker.example/cert.pem" }, "header_key_material"],
    [{ alg: "RS256", kid: "k", jwk: { kty: "RSA", n: "AQAB", e: "AQAB" } }, "header_key_material"],
    [{ alg: "RS256", kid: "k", x5c: ["MIIB"] }, "header_key_material"],
    [{ alg: "RS256" }, "kid_missing"],
    [{ alg: "RS256", kid: 7 }, "kid_missing"],
    [{ alg: "RS256", kid: null }, "kid_missing"],
  ])("rejects %j with %s", (header, reason) => {
    expect(checkHeader(header)).toEqual({ ok: false, reason });
  });
});
