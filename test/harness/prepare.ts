// `make harness`: builds or fetches everything the integration tests and `make up` start, so the first
// test run reports progress here instead of inside a test timeout.
import { ensureKubeBinaries } from "./binaries.ts";
import { ensureChromium } from "./chromium.ts";
import { ensureKstatus } from "./kstatus.ts";
import { ensureLua } from "./lua.ts";
import { ensureMotoVenv } from "./moto.ts";

const progress = (line: string): void => { console.log(`[harness] ${line}`); };
// The virtualenv and Lua mostly wait on downloads while the Go builds keep both cores busy, so they overlap.
const [binaries, python] = await Promise.all([ensureKubeBinaries(progress), ensureMotoVenv(progress), ensureLua(progress)]);
// kstatus is a small Go build; after the big one it has the cores to itself.
await ensureKstatus(progress);
// The browser tests' Chromium: an apt install, after the builds so that its downloads do not slow them. Only
// those tests need it, so `make dev` goes on without it (the tests themselves then fail, saying why).
const chromium = await ensureChromium(progress).catch((error: unknown) => {
  progress(`chromium: ${error instanceof Error ? error.message : String(error)} (only the browser tests need it)`);
  return "no chromium";
});
progress(`ready: kube-apiserver/kubectl ${binaries.kubernetesVersion}, etcd, moto (${python}), lua5.1, kstatus, ${chromium}`);
