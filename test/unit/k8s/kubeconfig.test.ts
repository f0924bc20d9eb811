import { mkdtempSync, writeFileSync } from "node:fs";
import type { RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inClusterConfig, loadKubeConfig, staticKubeconfig } from "../../../src/k8s/kubeconfig.ts";

const ca = Buffer.from("-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n");

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "local", cluster: { server: "https://127.0.0.1:6443", "certificate-authority-data": ca.toString("base64"), ...cluster } }],
    users: [{ name: "admin", user }, { name: "other", user: { token: "not-this-one" } }],
    contexts: [{ name: "admin", context: { cluster: "local", user: "admin" } }],
    "current-context": "admin",
  });
}

async function applied(config: { applyToHTTPSOptions(options: RequestOptions): Promise<void> }): Promise<RequestOptions> {
  const options: RequestOptions = {};
  await config.applyToHTTPSOptions(options);
  return options;
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "kubeconfig-test-"));
}

describe("staticKubeconfig", () => {
  it("reads the current context's server, CA and bearer token from a JSON kubeconfig", async () => {
    const config = staticKubeconfig(kubeconfig({ token: "t0ken" }), "/nowhere/config");
    expect(config?.getCurrentCluster()).toEqual({ server: "https://127.0.0.1:6443" });
    const options = await applied(config ?? { applyToHTTPSOptions: () => Promise.resolve() });
    expect(options.ca).toEqual(ca);
    expect(options.headers).toEqual({ Authorization: "Bearer t0ken" });
  });

  it("reads client certificates and token files relative to the kubeconfig, re-reading the token", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "client.crt"), "CERT");
    writeFileSync(join(dir, "client.key"), "KEY");
    writeFileSync(join(dir, "token"), "first\n");
    const path = join(dir, "config");
    const config = staticKubeconfig(kubeconfig({ "client-certificate": "client.crt", "client-key": "client.key", tokenFile: "token" }, { "tls-server-name": "kubernetes" }), path);
    if (config === undefined) throw new Error("expected a config");
    const first = await applied(config);
    expect(first.cert).toEqual(Buffer.from("CERT"));
    expect(first.key).toEqual(Buffer.from("KEY"));
    expect(first.servername).toBe("kubernetes");
    expect(first.headers).toEqual({ Authorization: "Bearer first" });
    writeFileSync(join(dir, "token"), "rotated\n");
    expect((await applied(config)).headers).toEqual({ Authorization: "Bearer rotated" });
  });

  it("leaves YAML, exec plugins and unknown contexts to client-node", () => {
    expect(staticKubeconfig("apiVersion: v1\nkind: Config\n", "/x")).toBeUndefined();
    expect(staticKubeconfig(kubeconfig({ exec: { command: "aws", args: ["eks", "get-token"] } }), "/x")).toBeUndefined();
    const noContext = JSON.parse(kubeconfig({ token: "t" })) as Record<string, unknown>;
    expect(staticKubeconfig(JSON.stringify({ ...noContext, "current-context": "missing" }), "/x")).toBeUndefined();
  });
});

describe("inClusterConfig", () => {
  it("builds the API server address from the service variables and reads the ServiceAccount token on each use", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "token"), "sa-token");
    writeFileSync(join(dir, "ca.crt"), ca);
    const config = inClusterConfig({ KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" }, dir);
    expect(config?.getCurrentCluster()).toEqual({ server: "https://[fd00::1]:443" });
    if (config === undefined) throw new Error("expected a config");
    expect(await applied(config)).toEqual({ ca, headers: { Authorization: "Bearer sa-token" } });
    writeFileSync(join(dir, "token"), "rotated");
    expect((await applied(config)).headers).toEqual({ Authorization: "Bearer rotated" });
  });

  it("is not used outside a Pod", () => {
    expect(inClusterConfig({}, scratch())).toBeUndefined();
    expect(inClusterConfig({ KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" }, scratch())).toBeUndefined();
  });
});

describe("loadKubeConfig", () => {
  it("prefers KUBECONFIG, as client-node's loadFromDefault does", async () => {
    const dir = scratch();
    const path = join(dir, "config");
    writeFileSync(path, kubeconfig({ token: "from-file" }));
    const config = await loadKubeConfig({ KUBECONFIG: path, KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" });
    expect(config.getCurrentCluster()?.server).toBe("https://127.0.0.1:6443");
    expect((await applied(config)).headers).toEqual({ Authorization: "Bearer from-file" });
  });

  it("hands a YAML kubeconfig to client-node", async () => {
    const dir = scratch();
    const path = join(dir, "config");
    writeFileSync(
      path,
      ["apiVersion: v1", "kind: Config", "clusters:", "- name: c", "  cluster:", "    server: https://10.1.2.3:6443", "users:", "- name: u", "  user:", "    token: yaml-token",
        "contexts:", "- name: x", "  context:", "    cluster: c", "    user: u", "current-context: x", ""].join("\n"),
    );
    const config = await loadKubeConfig({ KUBECONFIG: path });
    expect(config.getCurrentCluster()?.server).toBe("https://10.1.2.3:6443");
    expect((await applied(config)).headers).toMatchObject({ Authorization: "Bearer yaml-token" });
  });
});
