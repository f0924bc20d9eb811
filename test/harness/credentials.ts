// The harness's cluster-admin credentials as files, the way a pod's ServiceAccount volume holds them: for a
// process that talks to the local API server with a token file and a CA file (the Content Delivery example).
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { HarnessEnv } from "./env.ts";
import { kubectl } from "./kubectl.ts";

const kubeconfigSchema = z.object({
  clusters: z.array(z.object({ cluster: z.object({ "certificate-authority-data": z.string() }) })).min(1),
  users: z.array(z.object({ user: z.object({ token: z.string() }) })).min(1),
});

/** Writes the admin token and the cluster CA under a new directory in the run directory. */
export async function writeAdminCredentialFiles(env: HarnessEnv, prefix: string): Promise<{ tokenFile: string; caFile: string }> {
  const kubeconfig = kubeconfigSchema.parse(JSON.parse(await kubectl(env, ["config", "view", "--raw", "-o", "json"])));
  const dir = mkdtempSync(join(env.runDir, `${prefix}-`));
  const tokenFile = join(dir, "token");
  const caFile = join(dir, "ca.crt");
  writeFileSync(tokenFile, kubeconfig.users[0]?.user.token ?? "", { mode: 0o600 });
  writeFileSync(caFile, Buffer.from(kubeconfig.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64"));
  return { tokenFile, caFile };
}
