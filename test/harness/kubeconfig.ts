// Writes kubeconfig files for the local control plane: one per static-token user.
import { writeFileSync } from "node:fs";

export interface KubeconfigUser {
  readonly name: string;
  readonly token: string;
}

export function kubeconfigYaml(server: string, caPem: string, user: KubeconfigUser): string {
  const ca = Buffer.from(caPem).toString("base64");
  // JSON is valid YAML, and needs no quoting rules of its own.
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "local", cluster: { server, "certificate-authority-data": ca } }],
    users: [{ name: user.name, user: { token: user.token } }],
    contexts: [{ name: user.name, context: { cluster: "local", user: user.name, namespace: "default" } }],
    "current-context": user.name,
    preferences: {},
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function writeKubeconfig(path: string, server: string, caPem: string, user: KubeconfigUser): void {
  writeFileSync(path, kubeconfigYaml(server, caPem, user), { mode: 0o600 });
}
