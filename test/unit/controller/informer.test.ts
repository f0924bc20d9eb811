// The informer's list-and-watch protocol against a scripted stand-in for the API server on loopback.
import { KubeConfig } from "@kubernetes/client-node";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Informer } from "../../../src/controller/informer.ts";
import { KubeRestClient } from "../../../src/k8s/rest-client.ts";

const path = "/apis/example.io/v1/widgets";

function object(name: string, resourceVersion: string) {
  return { metadata: { name, namespace: "ns", uid: `uid-${name}`, resourceVersion } };
}

interface Script {
  readonly list: () => unknown;
  /** Lines for the n-th watch request; the response ends after them. */
  readonly watch: (n: number, resourceVersion: string | null) => unknown[];
}

async function fakeApiServer(script: Script): Promise<{ server: Server; url: string; watches: (string | null)[] }> {
  const watches: (string | null)[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    response.setHeader("content-type", "application/json");
    if (url.searchParams.get("watch") !== "true") {
      response.end(JSON.stringify(script.list()));
      return;
    }
    watches.push(url.searchParams.get("resourceVersion"));
    const lines = script.watch(watches.length, url.searchParams.get("resourceVersion"));
    if (lines.length === 0) {
      setTimeout(() => response.end(), 200);
      return;
    }
    response.end(lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, watches };
}

function clientFor(url: string): KubeRestClient {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "fake", server: url, skipTLSVerify: true }],
    users: [{ name: "fake", token: "not-a-secret" }],
    contexts: [{ name: "fake", cluster: "fake", user: "fake" }],
    currentContext: "fake",
  });
  return new KubeRestClient(kubeConfig);
}

describe("Informer", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("resumes from a bookmark's resourceVersion, and a bookmark is not an error", async () => {
    const api = await fakeApiServer({
      list: () => ({ metadata: { resourceVersion: "10" }, items: [object("a", "10")] }),
      watch: (n) =>
        n === 1
          ? [{ type: "BOOKMARK", object: { kind: "Widget", apiVersion: "example.io/v1", metadata: { resourceVersion: "15" } } }, { type: "ADDED", object: object("b", "16") }]
          : [],
    });
    const upserts: string[] = [];
    const informer = new Informer({
      client: clientFor(api.url),
      path,
      log: pino({ level: "silent" }),
      handlers: { onUpsert: (key) => upserts.push(key), onDelete: () => undefined },
      backoff: { baseMs: 50, maxMs: 100, jitter: 0 },
    });
    cleanups.push(async () => { await informer.stop(); api.server.close(); });
    informer.start();
    await informer.waitForSync();
    await waitUntil(() => api.watches.length >= 2);
    expect(upserts).toEqual(["ns/a", "ns/b"]);
    expect(api.watches.slice(0, 2)).toEqual(["10", "16"]);
  });

  it("lists again after 410 Gone and reports objects that disappeared meanwhile as deleted", async () => {
    let lists = 0;
    const api = await fakeApiServer({
      list: () => {
        lists += 1;
        return lists === 1
          ? { metadata: { resourceVersion: "5" }, items: [object("a", "5"), object("b", "5")] }
          : { metadata: { resourceVersion: "30" }, items: [object("a", "5")] };
      },
      watch: (n) => (n === 1 ? [{ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", message: "too old" } }] : []),
    });
    const deleted: string[] = [];
    const informer = new Informer({
      client: clientFor(api.url),
      path,
      log: pino({ level: "silent" }),
      handlers: { onUpsert: () => undefined, onDelete: (key) => deleted.push(key) },
      backoff: { baseMs: 50, maxMs: 100, jitter: 0 },
    });
    cleanups.push(async () => { await informer.stop(); api.server.close(); });
    informer.start();
    await waitUntil(() => api.watches.length >= 2);
    expect(deleted).toEqual(["ns/b"]);
    expect(informer.keys()).toEqual(["ns/a"]);
    expect(api.watches[1]).toBe("30");
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 50));
  if (!condition()) throw new Error("condition not met within 5 s");
}
