// A real Kubernetes control plane on loopback: etcd and kube-apiserver, started the way envtest starts them,
// with static-token authentication and RBAC authorization. There is no controller-manager: no garbage
// collection and no namespace finalization, so tests clean up what they create.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureKubeBinaries } from "./binaries.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import { freePort } from "./ports.ts";
import { startProcess, type ManagedProcess } from "./process.ts";
import { waitFor } from "./wait.ts";

export interface ControlPlane {
  readonly apiServerUrl: string;
  /** cluster-admin (group system:masters). */
  readonly kubeconfig: string;
  /** Authenticated, but with no RBAC grants: what a fresh ServiceAccount would have. */
  readonly unprivilegedKubeconfig: string;
  readonly kubectl: string;
  /** Stops kube-apiserver and starts it again on the same port and storage, as in an upgrade or crash. */
  restartApiServer(downtimeMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  readonly runDir: string;
  readonly progress: (line: string) => void;
}

const startTimeoutMs = 120_000;

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const binaries = await ensureKubeBinaries(options.progress);
  const dirs = prepareDirs(options.runDir);
  const started: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of [...started].reverse()) await p.stop();
  };
  try {
    const etcdUrl = await startEtcd(binaries.etcd, dirs, started);
    options.progress(`control plane: etcd ready at ${etcdUrl}`);
    const admin = { name: "admin", token: randomBytes(24).toString("hex") };
    const unprivileged = { name: "unprivileged", token: randomBytes(24).toString("hex") };
    writeFileSync(
      dirs.tokenFile,
      `${admin.token},admin,uid-admin,"system:masters"\n${unprivileged.token},unprivileged,uid-unprivileged,\n`,
      { mode: 0o600 },
    );
    const port = await freePort();
    const apiServerUrl = `https://127.0.0.1:${port}`;
    const launchApiServer = async (): Promise<string> => {
      const apiServer = startProcess({
        name: "kube-apiserver",
        command: binaries.kubeApiserver,
        args: apiServerArgs(etcdUrl, port, dirs),
        logFile: join(dirs.logs, "kube-apiserver.log"),
      });
      started.push(apiServer);
      return waitForApiServer(apiServer, apiServerUrl, dirs.certs, admin.token);
    };
    const caPem = await launchApiServer();
    const restartApiServer = async (downtimeMs = 0): Promise<void> => {
      const running = started.filter((p) => p.name === "kube-apiserver");
      for (const p of running) {
        await p.stop();
        started.splice(started.indexOf(p), 1);
      }
      await sleep(downtimeMs);
      await launchApiServer();
    };
    const kubeconfig = join(options.runDir, "kubeconfig");
    const unprivilegedKubeconfig = join(options.runDir, "kubeconfig-unprivileged");
    writeKubeconfig(kubeconfig, apiServerUrl, caPem, admin);
    writeKubeconfig(unprivilegedKubeconfig, apiServerUrl, caPem, unprivileged);
    options.progress(`control plane: kube-apiserver ${binaries.kubernetesVersion} ready at ${apiServerUrl}`);
    return { apiServerUrl, kubeconfig, unprivilegedKubeconfig, kubectl: binaries.kubectl, restartApiServer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface RunDirs {
  readonly etcdData: string;
  readonly certs: string;
  readonly logs: string;
  readonly tokenFile: string;
  readonly saPrivateKey: string;
  readonly saPublicKey: string;
}

function prepareDirs(runDir: string): RunDirs {
  const dirs: RunDirs = {
    etcdData: join(runDir, "etcd"),
    certs: join(runDir, "certs"),
    logs: join(runDir, "logs"),
    tokenFile: join(runDir, "certs", "tokens.csv"),
    saPrivateKey: join(runDir, "certs", "sa.key"),
    saPublicKey: join(runDir, "certs", "sa.pub"),
  };
  for (const dir of [dirs.etcdData, dirs.certs, dirs.logs]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(dirs.saPrivateKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  writeFileSync(dirs.saPublicKey, publicKey.export({ type: "spki", format: "pem" }));
  return dirs;
}

async function startEtcd(binary: string, dirs: RunDirs, started: ManagedProcess[]): Promise<string> {
  const clientUrl = `http://127.0.0.1:${await freePort()}`;
  const peerUrl = `http://127.0.0.1:${await freePort()}`;
  const etcd = startProcess({
    name: "etcd",
    command: binary,
    args: [
      "--name=harness",
      `--data-dir=${dirs.etcdData}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=harness=${peerUrl}`,
      "--unsafe-no-fsync=true", // test data only; skipping fsync keeps a 2-core machine responsive
      "--log-level=warn",
    ],
    logFile: join(dirs.logs, "etcd.log"),
  });
  started.push(etcd);
  await waitFor(
    async () => {
      const response = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      const body = (await response.json()) as { health?: string };
      return body.health === "true" ? true : undefined;
    },
    { what: "etcd to report healthy", timeoutMs: startTimeoutMs, intervalMs: 200, abortIf: exitedError(etcd) },
  );
  return clientUrl;
}

function apiServerArgs(etcdUrl: string, port: number, dirs: RunDirs): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    `--cert-dir=${dirs.certs}`,
    `--secure-port=${port}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    "--endpoint-reconciler-type=none",
    "--service-cluster-ip-range=10.0.0.0/24",
    "--authorization-mode=RBAC",
    `--token-auth-file=${dirs.tokenFile}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${dirs.saPublicKey}`,
    `--service-account-signing-key-file=${dirs.saPrivateKey}`,
    "--allow-privileged=true",
    "--enable-priority-and-fairness=false",
  ];
}

/** Waits for /readyz and returns the serving CA (kube-apiserver writes a self-signed chain into --cert-dir). */
async function waitForApiServer(
  apiServer: ManagedProcess,
  url: string,
  certDir: string,
  token: string,
): Promise<string> {
  const certFile = join(certDir, "apiserver.crt");
  return waitFor(
    async () => {
      if (!existsSync(certFile)) return undefined;
      const ca = readFileSync(certFile, "utf8");
      const status = await httpsStatus(`${url}/readyz`, ca, token);
      return status === 200 ? ca : undefined;
    },
    { what: "kube-apiserver /readyz", timeoutMs: startTimeoutMs, intervalMs: 250, abortIf: exitedError(apiServer) },
  );
}

function httpsStatus(url: string, ca: string, token: string): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 2_000 }, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.once("timeout", () => { req.destroy(new Error("request timed out")); });
    req.once("error", reject);
    req.end();
  });
}

function exitedError(p: ManagedProcess): () => Error | undefined {
  return () => {
    const reason = p.exitReason();
    return reason === undefined ? undefined : new Error(`${p.name} ${reason}; last log lines:\n${p.logTail()}`);
  };
}
