// `make harness`: builds or fetches everything the integration tests and `make up` start, so the first
// test run reports progress here instead of inside a test timeout.
import { ensureKubeBinaries } from "./binaries.ts";
import { ensureMotoVenv } from "./moto.ts";

const progress = (line: string): void => { console.log(`[harness] ${line}`); };
// The virtualenv mostly waits on downloads while the Go build keeps both cores busy, so they overlap.
const [binaries, python] = await Promise.all([ensureKubeBinaries(progress), ensureMotoVenv(progress)]);
progress(`ready: kube-apiserver/kubectl ${binaries.kubernetesVersion}, etcd, moto (${python})`);
