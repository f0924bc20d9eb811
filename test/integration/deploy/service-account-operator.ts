// Runs the operator as deploy/ runs it: src/main.ts in its own process, with leader election on, and
// authenticated only by a token of deploy/'s ServiceAccount from the TokenRequest API, so every request it
// makes is held to deploy/'s RBAC and nothing else.
import { mkdirSync, readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { z } from "zod";
import { emulatorOperatorEnv, type HarnessEnv } from "../../harness/env.ts";
import { writeKubeconfig } from "../../harness/kubeconfig.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { repoRoot } from "../../harness/paths.ts";
import { freePort } from "../../harness/ports.ts";
import { startProcess, type ManagedProcess } from "../../harness/process.ts";
import { waitFor } from "../../harness/wait.ts";

/** The ServiceAccount deploy/base creates, and the user name its tokens authenticate as. */
export const operatorAccount = {
  namespace: "securedcontent-system",
  name: "securedcontent",
  user: "system:serviceaccount:securedcontent-system:securedcontent",
} as const;

/** `kubectl auth can-i --as` a user, e.g. `["patch", "securedcontentbuckets", "--subresource=status"]`. */
export async function userCan(env: HarnessEnv, user: string, args: readonly string[]): Promise<boolean> {
  try {
    return (await kubectl(env, ["auth", "can-i", "--as", user, ...args])).trim() === "yes";
  } catch {
    return false; // kubectl exits 1 for "no"
  }
}

/** `kubectl auth can-i --as` the operator's ServiceAccount. */
export function operatorCan(env: HarnessEnv, args: readonly string[]): Promise<boolean> {
  return userCan(env, operatorAccount.user, args);
}

const kubeconfigSchema = z.object({
  clusters: z.array(z.object({ cluster: z.object({ "certificate-authority-data": z.string() }) })).min(1),
});

/** The API server's CA, from the harness's admin kubeconfig (written as JSON). */
function clusterCa(env: HarnessEnv): string {
  const config = kubeconfigSchema.parse(JSON.parse(readFileSync(env.kubeconfig, "utf8")));
  return Buffer.from(config.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64").toString("utf8");
}

/**
 * A short-lived token for a ServiceAccount (deploy/'s by default). `kubectl create token` is the TokenRequest API
 * (POST .../serviceaccounts/<name>/token), which kube-apiserver serves itself with its signing key.
 */
export async function requestServiceAccountToken(env: HarnessEnv, account: { namespace: string; name: string } = operatorAccount): Promise<string> {
  const token = (await kubectl(env, ["create", "token", account.name, "-n", account.namespace, "--duration=1h"])).trim();
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new Error("TokenRequest did not return a JWT");
  return token;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * One request to the API server with a bearer token, answered with its status and body whatever they are, so a
 * test can see a refusal as the client does. Used where kubectl would add requests of its own (`kubectl patch
 * --subresource=status` reads the subresource first, which the operator's RBAC does not grant).
 */
export function apiRequest(
  env: HarnessEnv,
  token: string,
  request: { method: "GET" | "POST" | "PATCH"; path: string; body?: unknown; contentType?: string },
): Promise<ApiResponse> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (request.body !== undefined) headers["content-type"] = request.contentType ?? "application/json";
  return new Promise((resolveResponse, reject) => {
    const req = httpsRequest(`${env.apiServerUrl}${request.path}`, { method: request.method, ca: clusterCa(env), timeout: 10_000, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => { resolveResponse({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }); });
    });
    req.once("timeout", () => { req.destroy(new Error(`${request.method} ${request.path} timed out`)); });
    req.once("error", reject);
    req.end(request.body === undefined ? undefined : JSON.stringify(request.body));
  });
}

const selfSubjectReviewSchema = z.object({ status: z.object({ userInfo: z.object({ username: z.string(), groups: z.array(z.string()).default([]) }) }) });

/** Who the API server says a token is (SelfSubjectReview, the API behind `kubectl auth whoami`). */
export async function whoAmI(env: HarnessEnv, token: string): Promise<{ username: string; groups: string[] }> {
  const response = await apiRequest(env, token, {
    method: "POST",
    path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
    body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
  });
  return selfSubjectReviewSchema.parse(JSON.parse(response.body)).status.userInfo;
}

export interface OperatorProcess {
  readonly identity: string;
  readonly process: ManagedProcess;
  /** The operator's JSON log lines so far. */
  logLines(): Record<string, unknown>[];
  /** The text of /metrics. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export interface OperatorProcessOptions {
  readonly token: string;
  readonly edgeRoleArn: string;
  /** Keeps the operator to this file's namespace; the ClusterRole grants the same in every namespace. */
  readonly watchNamespace: string;
  readonly identity: string;
}

/** Starts src/main.ts with a kubeconfig that carries only the ServiceAccount token; resolves once it is healthy. */
export async function startOperatorProcess(env: HarnessEnv, options: OperatorProcessOptions): Promise<OperatorProcess> {
  const dir = join(env.runDir, "deploy-operator", options.identity);
  mkdirSync(dir, { recursive: true });
  const kubeconfig = join(dir, "kubeconfig");
  writeKubeconfig(kubeconfig, env.apiServerUrl, clusterCa(env), { name: operatorAccount.user, token: options.token });
  const metricsPort = await freePort();
  const logFile = join(dir, "operator.log");
  const child = startProcess({
    name: `operator ${options.identity}`,
    command: process.execPath,
    args: [join(repoRoot, "src", "main.ts")],
    logFile,
    env: {
      // Only what the operator needs: nothing of this test process's environment leaks in.
      PATH: process.env["PATH"] ?? "",
      HOME: env.runDir,
      TZ: "UTC",
      KUBECONFIG: kubeconfig,
      ...emulatorOperatorEnv(env),
      EDGE_FUNCTION_ROLE_ARN: options.edgeRoleArn,
      CLUSTER_NAME: "deploy-test",
      WATCH_NAMESPACE: options.watchNamespace,
      // As in deploy/base: a Lease in the ServiceAccount's namespace, held under the pod's name.
      LEADER_ELECTION: `${operatorAccount.namespace}/securedcontent`,
      POD_NAME: options.identity,
      EXPOSURE_RESYNC_SECONDS: "10",
      DEPLOYING_REQUEUE_SECONDS: "1",
      METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      LOG_LEVEL: "debug",
    },
  });
  const metrics = async (): Promise<string> => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.text();
  };
  await waitFor(async () => ((await fetch(`http://127.0.0.1:${metricsPort}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok ? true : undefined), {
    what: "the operator to be ready",
    timeoutMs: 60_000,
    intervalMs: 250,
    abortIf: () => {
      const reason = child.exitReason();
      return reason === undefined ? undefined : new Error(`the operator ${reason}:\n${child.logTail()}`);
    },
  });
  return {
    identity: options.identity,
    process: child,
    logLines: () => jsonLines(readFileSync(logFile, "utf8")),
    metrics,
    stop: () => child.stop(10_000),
  };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The sum of a Prometheus counter's series whose labels include `labels`. */
export function metricSum(text: string, name: string, labels: Readonly<Record<string, string>>): number {
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, "gm"))) {
    const series = new Map<string, string>([...(match[1] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1] ?? "", l[2] ?? ""]));
    if (Object.entries(labels).every(([key, value]) => series.get(key) === value)) sum += Number(match[2]);
  }
  return sum;
}
