// Builds kube-apiserver, kubectl and etcd from the pinned wrapper Go modules, once per machine and version.
//
// The binaries live in the cache outside the work tree, under a key made of the Kubernetes/etcd version and a
// hash of the wrapper module's go.mod and go.sum, so a version bump rebuilds and nothing else does.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot, repoRoot } from "./paths.ts";

export interface KubeBinaries {
  readonly kubeApiserver: string;
  readonly kubectl: string;
  readonly etcd: string;
  readonly kubernetesVersion: string;
}

interface WrapperModule {
  readonly name: string;
  readonly dir: string;
  /** Module whose required version names the build. */
  readonly versionOf: string;
  readonly targets: readonly { readonly pkg: string; readonly binary: string }[];
  readonly ldflags: (version: string) => string;
}

const kubeModule: WrapperModule = {
  name: "kube",
  dir: join(repoRoot, "test/harness/go/kube"),
  versionOf: "k8s.io/kubernetes",
  targets: [
    { pkg: "k8s.io/kubernetes/cmd/kube-apiserver", binary: "kube-apiserver" },
    { pkg: "k8s.io/kubernetes/cmd/kubectl", binary: "kubectl" },
  ],
  ldflags: (version) => {
    const [major, minor] = version.replace(/^v/, "").split(".");
    const base = "k8s.io/component-base/version";
    return [
      "-s -w",
      `-X ${base}.gitVersion=${version}`,
      `-X ${base}.gitMajor=${major ?? ""}`,
      `-X ${base}.gitMinor=${minor ?? ""}`,
      `-X ${base}.gitTreeState=clean`,
    ].join(" ");
  },
};

const etcdModule: WrapperModule = {
  name: "etcd",
  dir: join(repoRoot, "test/harness/go/etcd"),
  versionOf: "go.etcd.io/etcd/server/v3",
  targets: [{ pkg: "go.etcd.io/etcd/server/v3", binary: "etcd" }],
  ldflags: () => "-s -w",
};

/** Returns the cached binaries, building whichever are missing. */
export async function ensureKubeBinaries(progress: (line: string) => void): Promise<KubeBinaries> {
  const kube = await ensureModuleBuilt(kubeModule, progress);
  const etcd = await ensureModuleBuilt(etcdModule, progress);
  return {
    kubeApiserver: join(kube.dir, "kube-apiserver"),
    kubectl: join(kube.dir, "kubectl"),
    etcd: join(etcd.dir, "etcd"),
    kubernetesVersion: kube.version,
  };
}

async function ensureModuleBuilt(
  module: WrapperModule,
  progress: (line: string) => void,
): Promise<{ dir: string; version: string }> {
  const goMod = readFileSync(join(module.dir, "go.mod"), "utf8");
  const goSum = readFileSync(join(module.dir, "go.sum"), "utf8");
  const version = requiredVersion(goMod, module.versionOf);
  const hash = createHash("sha256").update(goMod).update(goSum).digest("hex").slice(0, 12);
  const dir = join(cacheRoot(), module.name, `${version}-${hash}`);
  if (module.targets.every((t) => existsSync(join(dir, t.binary)))) return { dir, version };

  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const names = module.targets.map((t) => t.binary).join(", ");
  progress(`${module.name}: building ${names} ${version} from the Go module proxy (once per machine; several minutes)`);
  const started = Date.now();
  const total = await countPackages(module);
  await goBuild(module, version, partial, (built) => {
    progress(`${module.name}: compiled ${built}/~${total} packages (${Math.round((Date.now() - started) / 1000)} s)`);
  });
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  progress(`${module.name}: ${names} ready in ${Math.round((Date.now() - started) / 1000)} s, cached in ${dir}`);
  return { dir, version };
}

function requiredVersion(goMod: string, modulePath: string): string {
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod);
  if (!match?.[1]) throw new Error(`go.mod does not require ${modulePath}`);
  return match[1];
}

function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" };
}

async function countPackages(module: WrapperModule): Promise<number> {
  const { stdout } = await runGo(module.dir, ["list", "-deps", ...module.targets.map((t) => t.pkg)], () => undefined);
  return stdout.split("\n").filter((line) => line.trim().length > 0).length;
}

async function goBuild(
  module: WrapperModule,
  version: string,
  outDir: string,
  onProgress: (built: number) => void,
): Promise<void> {
  let built = 0;
  let lastReport = 0;
  // With one target, -o names the file: Go would call go.etcd.io/etcd/server/v3's binary "server".
  const [only] = module.targets;
  const output = module.targets.length === 1 && only ? join(outDir, only.binary) : `${outDir}/`;
  const args = ["build", "-v", "-trimpath", "-pgo=off", "-ldflags", module.ldflags(version), "-o", output];
  await runGo(module.dir, [...args, ...module.targets.map((t) => t.pkg)], (line) => {
    if (line.startsWith("#") || line.includes(" ")) return;
    built += 1;
    if (Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      onProgress(built);
    }
  });
  for (const target of module.targets) {
    if (!existsSync(join(outDir, target.binary))) throw new Error(`go build did not produce ${target.binary}`);
  }
}

function runGo(cwd: string, args: readonly string[], onStderrLine: (line: string) => void): Promise<{ stdout: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn("go", [...args], { cwd, env: goEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderrTail = "";
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4_000);
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onStderrLine(line);
    });
    child.once("error", (error) => { reject(new Error(`could not run go (is Go installed?): ${error.message}`)); });
    child.once("close", (code) => {
      if (code === 0) resolveRun({ stdout });
      else reject(new Error(`go ${args.slice(0, 2).join(" ")} failed with code ${String(code)} in ${cwd}:\n${stderrTail}`));
    });
  });
}
