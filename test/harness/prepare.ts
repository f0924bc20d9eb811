// `make harness`: builds or fetches everything the integration tests and `make up` start, so the first
// test run reports progress here instead of inside a test timeout.
import { ensureKubeBinaries } from "./binaries.ts";
import { ensureMotoVenv } from "./moto.ts";

const progress = (line: string): void => { console.log(`[harness] ${line}`); };
const binaries = await ensureKubeBinaries(progress);
const python = await ensureMotoVenv(progress);
progress(`ready: kube-apiserver/kubectl ${binaries.kubernetesVersion}, etcd, moto (${python})`);
