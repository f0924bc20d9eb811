// Key import and the unknown-kid fallback: one fetch at a time, a timeout, a cooldown, baked keys never replaced.
import { afterEach, describe, expect, it } from "vitest";
import { maxJwksBytes } from "../../../edge-auth/src/limits.ts";
import { createKeyStore, importRsaJwk, type FetchLike, type JwksFetchOutcome, type KeyStoreOptions } from "../../../edge-auth/src/keys.ts";
import { closedLoopbackPort, droppedWithinASecond, loopbackServer, streamEndlessly, type LoopbackServer } from "./loopback.ts";
import { makeKey, testKeys } from "./fixtures.ts";

describe("importRsaJwk", () => {
  it("imports a 2048-bit RS256 signing key", () => {
    const imported = importRsaJwk(testKeys().signing.jwk);
    expect(imported?.kid).toBe(testKeys().signing.kid);
    expect(imported?.verificationKey.signatureBytes).toBe(256);
  });

  it("accepts a key without alg and use, as RFC 7517 allows", () => {
    const { kty, kid, n, e } = testKeys().signing.jwk;
    expect(importRsaJwk({ kty, kid, n, e })).toBeDefined();
  });

  it.each([
    ["a 1024-bit key", () => makeKey("small", 1024).jwk],
    ["an encryption key", () => ({ ...testKeys().signing.jwk, use: "enc" })],
    ["another algorithm", () => ({ ...testKeys().signing.jwk, alg: "RS512" })],
    ["an EC key type", () => ({ ...testKeys().signing.jwk, kty: "EC" })],
    ["no kid", () => ({ ...testKeys().signing.jwk, kid: undefined })],
    ["a broken modulus", () => ({ ...testKeys().signing.jwk, n: "!!" })],
    ["not an object", () => "key"],
  ])("refuses %s", (_name, jwk) => {
    expect(importRsaJwk(jwk())).toBeUndefined();
  });
});

function jwksBody(...keys: unknown[]): string {
  return JSON.stringify({ keys });
}

interface Harness {
  readonly options: KeyStoreOptions;
  readonly outcomes: JwksFetchOutcome[];
  readonly clock: { now: number };
}

function harness(overrides: Partial<KeyStoreOptions> = {}): Harness {
  const outcomes: JwksFetchOutcome[] = [];
  const clock = { now: 1_000_000 };
  return {
    outcomes,
    clock,
    options: {
      jwksUri: "https://jwks.invalid/jwks.json",
      fetch: () => Promise.reject(new Error("no fetch expected")),
      now: () => clock.now,
      timeoutMs: 1500,
      cooldownMs: 60_000,
      fetchedKeyTtlMs: 600_000,
      onFetch: (outcome) => outcomes.push(outcome),
      ...overrides,
    },
  };
}

function fakeFetch(body: () => string, calls: string[]): FetchLike {
  return async (url) => {
    calls.push(url);
    await new Promise((resolve) => setTimeout(resolve, 10));
    return new Response(body());
  };
}

/** The global fetch, with the response body counted as the store pulls it: what it really read, not what was sent. */
function countingFetch(counter: { bytes: number }): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    const source = response.body;
    if (source === null) return response;
    const reader: ReadableStreamDefaultReader<Uint8Array> = source.getReader();
    const counted = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const read = await reader.read();
          if (read.done) {
            controller.close();
            return;
          }
          counter.bytes += read.value.byteLength;
          controller.enqueue(read.value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return { ok: response.ok, status: response.status, body: counted };
  };
}

describe("createKeyStore", () => {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it("serves baked keys synchronously and fetches nothing", () => {
    const calls: string[] = [];
    const store = createKeyStore([testKeys().signing.jwk], harness({ fetch: fakeFetch(() => "{}", calls) }).options);
    expect(store.get(testKeys().signing.kid)).toBeDefined();
    expect(store.get("nope")).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it("refuses to start with a baked key that does not import", () => {
    expect(() => createKeyStore([{ kty: "RSA", kid: "x", n: "AQAB", e: "AQAB" }], harness().options)).toThrow(/not a usable RS256 key/);
  });

  it("without jwksUri, treats an unknown kid as unknown without fetching", async () => {
    const calls: string[] = [];
    const store = createKeyStore([testKeys().signing.jwk], harness({ jwksUri: undefined, fetch: fakeFetch(() => "{}", calls) }).options);
    await expect(store.refreshFor("rotated")).resolves.toBe(false);
    expect(calls).toEqual([]);
  });

  it("fetches a rotated key once, and concurrent lookups share that one fetch", async () => {
    const calls: string[] = [];
    const { rotated, signing } = testKeys();
    const h = harness({ fetch: fakeFetch(() => jwksBody(signing.jwk, rotated.jwk), calls) });
    const store = createKeyStore([signing.jwk], h.options);
    const results = await Promise.all([store.refreshFor(rotated.kid), store.refreshFor(rotated.kid), store.refreshFor("random")]);
    expect(results).toEqual([true, true, false]);
    expect(calls).toHaveLength(1);
    expect(store.get(rotated.kid)).toBeDefined();
    expect(h.outcomes).toEqual(["added_keys"]);
  });

  it("does not fetch again within the cooldown, whatever the kid", async () => {
    const calls: string[] = [];
    const h = harness({ fetch: fakeFetch(() => jwksBody(), calls) });
    const store = createKeyStore([testKeys().signing.jwk], h.options);
    for (let i = 0; i < 50; i += 1) await store.refreshFor(`random-${i}`);
    expect(calls).toHaveLength(1);
    h.clock.now += 59_999;
    await store.refreshFor("again");
    expect(calls).toHaveLength(1);
    h.clock.now += 1;
    await store.refreshFor("again");
    expect(calls).toHaveLength(2);
    expect(h.outcomes).toEqual(["no_new_keys", "no_new_keys"]);
  });

  it("never lets a fetched key replace a baked key of the same kid", async () => {
    const { signing, attacker } = testKeys();
    const impostor = { ...attacker.jwk, kid: signing.kid };
    const store = createKeyStore([signing.jwk], harness({ fetch: fakeFetch(() => jwksBody(impostor), []) }).options);
    const before = store.get(signing.kid);
    await store.refreshFor("other");
    expect(store.get(signing.kid)).toBe(before);
  });

  it("adds at most ten fetched keys and skips unusable ones", async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ ...testKeys().rotated.jwk, kid: `k${i}` }));
    const store = createKeyStore([testKeys().signing.jwk], harness({ fetch: fakeFetch(() => jwksBody({ kty: "oct", kid: "h" }, ...many), []) }).options);
    await store.refreshFor("k0");
    expect(store.get("h")).toBeUndefined();
    expect(store.get("k9")).toBeDefined();
    expect(store.get("k10")).toBeUndefined();
  });

  it.each([
    ["an HTTP error", () => new Response("", { status: 500 }), "http_error"],
    ["a body that is not JSON", () => new Response("<html>"), "invalid_body"],
    ["a body without keys", () => new Response("{}"), "invalid_body"],
    ["an oversized body", () => new Response(" ".repeat(70_000)), "invalid_body"],
    ["no body at all", () => new Response(null), "invalid_body"],
  ])("survives %s", async (_name, response, outcome) => {
    const h = harness({ fetch: () => Promise.resolve(response()) });
    const store = createKeyStore([testKeys().signing.jwk], h.options);
    await expect(store.refreshFor("x")).resolves.toBe(false);
    expect(h.outcomes).toEqual([outcome]);
  });

  it("answers quickly when jwksUri is unreachable", async () => {
    const port = await closedLoopbackPort();
    const h = harness({ jwksUri: `http://127.0.0.1:${port}/jwks.json`, fetch });
    const store = createKeyStore([testKeys().signing.jwk], h.options);
    const started = performance.now();
    await expect(store.refreshFor("x")).resolves.toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(h.outcomes).toEqual(["network_error"]);
  });

  it("gives up on a JWKS host that never answers after the timeout", async () => {
    const hung = await loopbackServer(() => undefined);
    servers.push(hung);
    const h = harness({ jwksUri: hung.url, fetch, timeoutMs: 200 });
    const store = createKeyStore([testKeys().signing.jwk], h.options);
    const started = performance.now();
    await expect(store.refreshFor("x")).resolves.toBe(false);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1400);
    expect(h.outcomes).toEqual(["network_error"]);
    expect(hung.requests()).toBe(1);
  });

  it("stops reading an endless body once it passes the limit, instead of buffering it", async () => {
    const progress = { sent: 0, closed: false };
    const server = await loopbackServer((_req, res) => {
      streamEndlessly(res, progress);
    });
    servers.push(server);
    const counter = { bytes: 0 };
    const h = harness({ jwksUri: server.url, fetch: countingFetch(counter), timeoutMs: 1500 });
    const store = createKeyStore([testKeys().signing.jwk], h.options);
    const started = performance.now();
    await expect(store.refreshFor("x")).resolves.toBe(false);
    expect(h.outcomes).toEqual(["invalid_body"]);
    // Read up to the limit and at most one more chunk; long before the timeout would have ended it.
    expect(counter.bytes).toBeGreaterThan(maxJwksBytes);
    expect(counter.bytes).toBeLessThanOrEqual(maxJwksBytes + 64 * 1024);
    expect(performance.now() - started).toBeLessThan(1000);
    // The connection is dropped, so the server stops sending.
    await expect(droppedWithinASecond(progress)).resolves.toBe(true);
  });

  it("trusts a fetched key until its TTL has passed, then only once fetched again; baked keys never expire", async () => {
    const calls: string[] = [];
    const { signing, rotated } = testKeys();
    const h = harness({ fetch: fakeFetch(() => jwksBody(rotated.jwk), calls), fetchedKeyTtlMs: 600_000 });
    const store = createKeyStore([signing.jwk], h.options);
    await expect(store.refreshFor(rotated.kid)).resolves.toBe(true);
    h.clock.now += 599_999;
    expect(store.get(rotated.kid)).toBeDefined();
    h.clock.now += 1;
    expect(store.get(rotated.kid)).toBeUndefined();
    expect(store.get(signing.kid)).toBeDefined();
    await expect(store.refreshFor(rotated.kid)).resolves.toBe(true);
    expect(calls).toHaveLength(2);
    expect(h.outcomes).toEqual(["added_keys", "added_keys"]);
    h.clock.now += 10 * 365 * 24 * 3600 * 1000;
    expect(store.get(signing.kid)).toBeDefined();
    expect(store.get(rotated.kid)).toBeUndefined();
  });

  it("keeps an expired key untrusted while the fetch is cooling down or fails", async () => {
    const { signing, rotated } = testKeys();
    let answer = (): Response => new Response(jwksBody(rotated.jwk));
    const h = harness({ fetch: () => Promise.resolve(answer()), fetchedKeyTtlMs: 30_000, cooldownMs: 60_000 });
    const store = createKeyStore([signing.jwk], h.options);
    await expect(store.refreshFor(rotated.kid)).resolves.toBe(true);
    h.clock.now += 30_000;
    await expect(store.refreshFor(rotated.kid)).resolves.toBe(false);
    h.clock.now += 30_000;
    answer = () => new Response("", { status: 503 });
    await expect(store.refreshFor(rotated.kid)).resolves.toBe(false);
    expect(h.outcomes).toEqual(["added_keys", "http_error"]);
  });

  it("drops a fetched key that the next successful fetch no longer lists", async () => {
    const { signing, rotated } = testKeys();
    let keys = [signing.jwk, rotated.jwk];
    const h = harness({ fetch: fakeFetch(() => jwksBody(...keys), []) });
    const store = createKeyStore([signing.jwk], h.options);
    await expect(store.refreshFor(rotated.kid)).resolves.toBe(true);
    keys = [signing.jwk];
    h.clock.now += 60_000;
    await expect(store.refreshFor("another")).resolves.toBe(false);
    expect(store.get(rotated.kid)).toBeUndefined();
    expect(store.get(signing.kid)).toBeDefined();
  });

  it("fetches a rotated key from a real HTTP server", async () => {
    const { signing, rotated } = testKeys();
    const server = await loopbackServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(jwksBody(signing.jwk, rotated.jwk));
    });
    servers.push(server);
    const store = createKeyStore([signing.jwk], harness({ jwksUri: server.url, fetch }).options);
    await expect(store.refreshFor(rotated.kid)).resolves.toBe(true);
  });
});
