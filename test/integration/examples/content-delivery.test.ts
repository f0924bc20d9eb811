// The Content Delivery example against the real API server: it runs with a token of the ServiceAccount its
// manifests create (so their Role is proven enough), reads a ConfigMap shaped by the operator's own export
// builder, follows it through watches, and answers 503 until the address exists.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { parseSecuredContentBucket } from "../../../src/api/index.ts";
import { kstatusConditions, type Progress } from "../../../src/controller/conditions.ts";
import { exportData } from "../../../src/reconcile/address-export.ts";
import type { ServiceConfig } from "../../../examples/content-delivery/src/config.ts";
import { type RunningService, startContentDelivery } from "../../../examples/content-delivery/src/service.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { repoRoot } from "../../harness/paths.ts";
import { waitFor } from "../../harness/wait.ts";
import { installCrd } from "../api/kube.ts";

const namespace = "content-delivery";
const serviceAccount = `system:serviceaccount:${namespace}:content-delivery`;

const kubeconfigSchema = z.object({
  clusters: z.array(z.object({ cluster: z.object({ "certificate-authority-data": z.string() }) })).min(1),
  users: z.array(z.object({ user: z.object({ token: z.string() }) })).min(1),
});

const scb = {
  apiVersion: "securedcontent.io/v1alpha1",
  kind: "SecuredContentBucket",
  metadata: { name: "courses", namespace },
  spec: {
    bucket: { name: "simple-aws-courses-content", region: "us-east-1" },
    auth: { userPoolId: "us-east-1_AbCdEf123", clientIds: ["4b3c2d1e0f5a6b7c8d9e0f1a2b"], requiredGroups: ["paid-students"] },
    export: { configMapName: "courses-content" },
  },
};

/** The ConfigMap exactly as src/reconcile/address-export.ts writes it for a distribution on `domainName`. */
function exportedConfigMap(domainName: string): unknown {
  const parsed = parseSecuredContentBucket({ ...scb, metadata: { ...scb.metadata, uid: "uid-courses", resourceVersion: "1", generation: 1 } });
  if (!parsed.ok) throw parsed.error;
  const data = exportData(parsed.value, {
    url: `https://${domainName}`,
    domainName,
    distributionId: "E2QWRUHAPOMQZL",
    distributionArn: "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL",
  });
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "courses-content", namespace, labels: { "app.kubernetes.io/managed-by": "securedcontent" } }, data };
}

interface Answer {
  status: number;
  body: { url?: string; reason?: string };
}

async function ask(service: RunningService, path: string): Promise<Answer> {
  const response = await fetch(`${service.url}${path}`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

/** Writes the harness CA and a bearer token where the service reads them, as from a ServiceAccount volume. */
function credentialFiles(env: HarnessEnv, token: string, caPem: string): { tokenFile: string; caFile: string } {
  const dir = mkdtempSync(join(env.runDir, "content-delivery-"));
  writeFileSync(join(dir, "token"), token, { mode: 0o600 });
  writeFileSync(join(dir, "ca.crt"), caPem);
  return { tokenFile: join(dir, "token"), caFile: join(dir, "ca.crt") };
}

describe("the Content Delivery example", () => {
  const env = inject("harness");
  let caPem: string;
  let adminToken: string;
  const services: RunningService[] = [];
  /** What the services logged as warnings: a failed GET or WATCH (a 403 from RBAC, say) would show here. */
  const warnings: string[] = [];

  const start = async (source: ServiceConfig["source"], token: string): Promise<RunningService> => {
    const service = await startContentDelivery(
      { source, port: 0, host: "127.0.0.1", apiServer: new URL(env.apiServerUrl), ...credentialFiles(env, token, caPem) },
      {
        log: (level, message, meta) => { if (level === "warn") warnings.push(`${message} ${JSON.stringify(meta)}`); },
        watchTimeoutSeconds: 3,
      },
    );
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    const kubeconfig = kubeconfigSchema.parse(JSON.parse(await kubectl(env, ["config", "view", "--raw", "-o", "json"])));
    caPem = Buffer.from(kubeconfig.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64").toString("utf8");
    adminToken = kubeconfig.users[0]?.user.token ?? "";
    await kubectl(env, ["create", "namespace", namespace]);
    // The example's manifests, moved into this test's namespace the way a user would: an overlay.
    const overlay = mkdtempSync(join(tmpdir(), "content-delivery-overlay-"));
    writeFileSync(join(overlay, "kustomization.yaml"), JSON.stringify({ namespace, resources: [relative(overlay, join(repoRoot, "examples", "content-delivery", "deploy"))] }));
    await kubectl(env, ["apply", "-k", overlay]);
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
  });

  it("grants the ServiceAccount get and watch on the exported ConfigMap and nothing more", async () => {
    const can = async (...args: string[]): Promise<boolean> =>
      kubectl(env, ["auth", "can-i", "--as", serviceAccount, "-n", namespace, ...args]).then((out) => out.trim() === "yes", () => false);
    expect(await can("get", "configmap/courses-content")).toBe(true);
    expect(await can("watch", "configmap/courses-content")).toBe(true);
    expect(await can("list", "configmaps")).toBe(false);
    expect(await can("get", "configmap/kube-root-ca.crt")).toBe(false);
    expect(await can("update", "configmap/courses-content")).toBe(false);
    expect(await can("get", "secrets")).toBe(false);
  });

  it("with a token of that ServiceAccount: 503 until the ConfigMap exists, then the CloudFront URL, following every change", async () => {
    const token = (await kubectl(env, ["create", "token", "content-delivery", "-n", namespace, "--duration=1h"])).trim();
    const service = await start({ kind: "configmap", name: "courses-content", namespace }, token);
    const lesson = "/courses/videos/lesson-1.mp4";

    const missing = await waitFor(async () => {
      const answer = await ask(service, lesson);
      return answer.body.reason?.includes("does not exist") === true ? answer : undefined;
    }, { what: "the service to see that the ConfigMap is missing", timeoutMs: 15_000 });
    expect(missing.status).toBe(503);
    expect((await ask(service, "/readyz")).status).toBe(503);

    await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(exportedConfigMap("d111111abcdef8.cloudfront.net")) });
    const served = await waitFor(async () => {
      const answer = await ask(service, lesson);
      return answer.status === 200 ? answer : undefined;
    }, { what: "the URL from the exported ConfigMap", timeoutMs: 15_000 });
    expect(served.body).toEqual({ url: "https://d111111abcdef8.cloudfront.net/videos/lesson-1.mp4" });
    expect((await ask(service, "/readyz")).status).toBe(200);
    expect((await ask(service, "/videos/lesson-1.mp4")).status).toBe(404);

    // Outlive a few server-side watch timeouts, then change the address: the resumed watch still sees it.
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 7_000));
    await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(exportedConfigMap("d222222abcdef8.cloudfront.net")) });
    await waitFor(async () => ((await ask(service, lesson)).body.url?.startsWith("https://d222222abcdef8.cloudfront.net/") === true ? true : undefined), {
      what: "the changed address",
      timeoutMs: 15_000,
    });

    await kubectl(env, ["delete", "configmap", "courses-content", "-n", namespace]);
    await waitFor(async () => ((await ask(service, lesson)).status === 503 ? true : undefined), { what: "503 after the ConfigMap is gone", timeoutMs: 15_000 });
    // Every change arrived through a watch the Role allows; no request was refused or retried.
    expect(warnings).toEqual([]);
  });

  it("reading the SecuredContentBucket instead: 503 while it reconciles, the URL once it is Ready for its generation", async () => {
    await installCrd(env);
    await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(scb) });
    const service = await start({ kind: "securedcontentbucket", name: "courses", namespace }, adminToken);
    const writeStatus = async (progress: Progress, url?: string): Promise<void> => {
      const conditions = kstatusConditions(progress, 1).map((condition) => ({ ...condition, lastTransitionTime: "2026-03-01T10:00:00Z" }));
      const status = { observedGeneration: 1, conditions, ...(url === undefined ? {} : { url }) };
      await kubectl(env, ["patch", "-n", namespace, "scb/courses", "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);
    };

    await writeStatus({ state: "reconciling", reason: "Deploying", message: "CloudFront is deploying the distribution" }, "https://d333333abcdef8.cloudfront.net");
    const deploying = await waitFor(async () => {
      const answer = await ask(service, "/courses/a.txt");
      return answer.body.reason?.includes("Deploying") === true ? answer : undefined;
    }, { what: "503 naming the Reconciling reason", timeoutMs: 15_000 });
    expect(deploying.status).toBe(503);

    await writeStatus({ state: "ready", reason: "Ready", message: "serving" }, "https://d333333abcdef8.cloudfront.net");
    await waitFor(async () => ((await ask(service, "/courses/a.txt")).body.url === "https://d333333abcdef8.cloudfront.net/a.txt" ? true : undefined), {
      what: "the URL from status.url once Ready",
      timeoutMs: 15_000,
    });
  });
});
