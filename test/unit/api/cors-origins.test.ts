// spec.cors.allowedOrigins is checked twice: by the API's CEL rules (and their TypeScript twins) at admission, and
// by the edge packager's own predicate when config.json is built. They must accept exactly the same origins, or a
// resource the API server admitted would stall with InvalidEdgeConfig.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAllowableOrigin } from "../../../edge-auth/package/config-schema.ts";
import { corsSchema } from "../../../src/api/spec.ts";

function apiAccepts(origin: string): boolean {
  return corsSchema.safeParse({ allowedOrigins: [origin] }).success;
}

const schemes = ["https://", "http://", "HTTPS://", "ftp://", "", "https:/", "http:///"];
const hosts = [
  "localhost",
  "127.0.0.1",
  "127.0.0.2",
  "[::1]",
  "[::2]",
  "[2001:db8::1]",
  "app.example.com",
  "App.example.com",
  "a-b.c",
  "-a.com",
  "a-.com",
  "a..b",
  "xn--bcher-kva.example",
  "bücher.example",
  "*.example.com",
  "*",
  "",
  "user@app.example.com",
  "app.example.com.",
  "10.0.0.1",
];
const ports = ["", ":0", ":1", ":80", ":443", ":8080", ":8443", ":65535", ":65536", ":08443", ":", ":99999", ":1234567"];
const tails = ["", "/", "/x", "?q", "#f", ".", " ", "\n"];

/** Mostly the likely piece, sometimes any. */
function mostly(likely: readonly string[], any: readonly string[]) {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...likely) }, { weight: 1, arbitrary: fc.constantFrom(...any) });
}

const originLike = fc
  .tuple(mostly(["https://", "http://"], schemes), fc.constantFrom(...hosts), fc.constantFrom(...ports), mostly([""], tails))
  .map((parts) => parts.join(""));
const noise = fc.string({ unit: fc.constantFrom("h", "l", "p", "s", "t", "w", ":", "/", ".", "[", "]", "1", "-", "*", "?", "#", "a", "A", "ü", "x", "0", " "), maxLength: 30 });

describe("allowed origins", () => {
  it("are accepted by the API exactly when the edge packager accepts them", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: originLike }, { weight: 1, arbitrary: noise }), (origin) => {
        const edge = isAllowableOrigin(origin);
        expect(apiAccepts(origin), origin).toBe(edge);
        if (edge) accepted += 1;
      }),
      { numRuns: 5000 },
    );
    expect(accepted, "the generator must reach valid origins too").toBeGreaterThan(200);
  });

  it("agree on every combination of the pieces above", () => {
    for (const scheme of schemes) {
      for (const host of hosts) {
        for (const port of ports) {
          const origin = `${scheme}${host}${port}`;
          expect(apiAccepts(origin), origin).toBe(isAllowableOrigin(origin));
        }
      }
    }
  });
});
