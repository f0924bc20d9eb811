// The cold-start check of config.json (the packager's zod schema is tested in package.test.ts).
import { describe, expect, it } from "vitest";
import { parseRuntimeConfig } from "../../../edge-auth/src/config.ts";
import { parseEdgeConfig } from "../../../edge-auth/package/config-schema.ts";
import { testConfig } from "./fixtures.ts";

describe("parseRuntimeConfig", () => {
  it("accepts what the packager validated", () => {
    const validated = parseEdgeConfig(JSON.parse(JSON.stringify(testConfig())));
    expect(parseRuntimeConfig(JSON.parse(JSON.stringify(validated)))).toEqual(validated);
  });

  it("names every field a corrupted config gets wrong", () => {
    const corrupted = { ...testConfig(), issuer: "", clientIds: "x", tokenUse: "refresh", tokenSources: ["query"], jwks: { keys: [] }, clockToleranceSeconds: -1 };
    expect(() => parseRuntimeConfig(corrupted)).toThrow(
      "config.json has invalid fields: issuer, clientIds, tokenUse, tokenSources, jwks, clockToleranceSeconds",
    );
  });

  it("accepts a cors section the packager validated, and names a corrupted one", () => {
    const validated = parseEdgeConfig(JSON.parse(JSON.stringify(testConfig({ cors: { allowedOrigins: ["https://app.example.com"], allowCredentials: true, maxAgeSeconds: 0 } }))));
    expect(parseRuntimeConfig(JSON.parse(JSON.stringify(validated)))).toEqual(validated);
    const origins = Array.from({ length: 21 }, (_, i) => `https://app${i}.example.com`);
    for (const cors of [
      [],
      { allowedOrigins: [], allowCredentials: false, maxAgeSeconds: 600 },
      { allowedOrigins: origins, allowCredentials: false, maxAgeSeconds: 600 },
      { allowedOrigins: ["https://app.example.com"], allowCredentials: "false", maxAgeSeconds: 600 },
      { allowedOrigins: ["https://app.example.com"], allowCredentials: false, maxAgeSeconds: 86_401 },
      { allowedOrigins: ["https://app.example.com"], allowCredentials: false, maxAgeSeconds: 1.5 },
      { allowedOrigins: ["https://app.example.com"], allowCredentials: false },
    ]) {
      expect(() => parseRuntimeConfig({ ...testConfig(), cors })).toThrow("config.json has invalid fields: cors");
    }
  });

  it("refuses something that is not an object", () => {
    expect(() => parseRuntimeConfig([])).toThrow("config.json is not a JSON object");
    expect(() => parseRuntimeConfig(null)).toThrow("config.json is not a JSON object");
  });
});
