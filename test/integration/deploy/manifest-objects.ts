// deploy/ as the API server sees it: server-side dry runs of a kustomization, read into typed objects, and
// the small lookups the tests make across them (which port, which labels, which environment).
import { z } from "zod";
import type { HarnessEnv } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";

const labels = z.record(z.string(), z.string());

export const manifestSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string().optional(),
    labels: labels.optional(),
    annotations: labels.optional(),
  }),
  spec: z.unknown().optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;

const listSchema = z.object({ kind: z.literal("List"), items: z.array(manifestSchema) });

/**
 * `kubectl apply --server-side --dry-run=server -k <dir>`: every object as the API server would store it.
 * `forceConflicts` takes over fields an earlier apply with other values owns (as when an overlay changes
 * what a client-side `kubectl apply -k deploy/base` set), which is about ownership, not validity.
 */
export async function serverDryRun(env: HarnessEnv, dir: string, options: { forceConflicts?: boolean } = {}): Promise<Manifest[]> {
  const force = options.forceConflicts === true ? ["--force-conflicts"] : [];
  const output = await kubectl(env, ["apply", "--server-side", ...force, "--dry-run=server", "-k", dir, "-o", "json"]);
  const parsed: unknown = JSON.parse(output);
  const list = listSchema.safeParse(parsed);
  return list.success ? list.data.items : [manifestSchema.parse(parsed)];
}

export function findObject(objects: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found === undefined) throw new Error(`no ${kind}${name === undefined ? "" : ` ${name}`} in the manifests`);
  return found;
}

const portSchema = z.object({ name: z.string().optional(), containerPort: z.number() });
const probeSchema = z.looseObject({ httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }) });
const envVarSchema = z.looseObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z.looseObject({ fieldRef: z.object({ fieldPath: z.string() }).optional() }).optional(),
});
const containerSecuritySchema = z.looseObject({
  allowPrivilegeEscalation: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  runAsNonRoot: z.boolean().optional(),
  capabilities: z.object({ drop: z.array(z.string()).optional() }).optional(),
});

export const containerSchema = z.looseObject({
  name: z.string(),
  image: z.string(),
  env: z.array(envVarSchema).default([]),
  ports: z.array(portSchema).default([]),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  resources: z.looseObject({ requests: labels.optional(), limits: labels.optional() }).optional(),
  securityContext: containerSecuritySchema.optional(),
});
export type Container = z.infer<typeof containerSchema>;

export const podSpecSchema = z.looseObject({
  serviceAccountName: z.string(),
  terminationGracePeriodSeconds: z.number(),
  securityContext: z.looseObject({
    runAsNonRoot: z.boolean().optional(),
    runAsUser: z.number().optional(),
    seccompProfile: z.object({ type: z.string() }).optional(),
  }),
  containers: z.array(containerSchema).length(1),
});

export const deploymentSpecSchema = z.looseObject({
  replicas: z.number(),
  selector: z.object({ matchLabels: labels }),
  template: z.looseObject({ metadata: z.looseObject({ labels }), spec: podSpecSchema }),
});

/** The operator's container and pod from the Deployment. */
export function operatorPod(objects: readonly Manifest[]): { labels: Record<string, string>; namespace: string; spec: z.infer<typeof podSpecSchema>; container: Container; deployment: z.infer<typeof deploymentSpecSchema> } {
  const deployment = findObject(objects, "Deployment", "securedcontent");
  const spec = deploymentSpecSchema.parse(deployment.spec);
  const container = spec.template.spec.containers[0];
  if (container === undefined) throw new Error("the Deployment has no container");
  return { labels: spec.template.metadata.labels, namespace: deployment.metadata.namespace ?? "", spec: spec.template.spec, container, deployment: spec };
}

/** The container port a probe, Service or NetworkPolicy names (by name or number), or undefined. */
export function containerPort(container: Container, port: string | number): number | undefined {
  return container.ports.find((p) => p.name === port || p.containerPort === port)?.containerPort;
}

/** Whether a label selector's matchLabels all hold on `podLabels` (and it selects something). */
export function selects(matchLabels: Readonly<Record<string, string>>, podLabels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(matchLabels);
  return entries.length > 0 && entries.every(([key, value]) => podLabels[key] === value);
}

/**
 * The container's environment as the kubelet would give it: fieldRefs to the pod's name and namespace
 * resolved, and $(VAR) references to earlier variables expanded.
 */
export function resolvedEnvironment(container: Container, pod: { name: string; namespace: string }): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const variable of container.env) {
    const field = variable.valueFrom?.fieldRef?.fieldPath;
    const value = field === "metadata.name" ? pod.name : field === "metadata.namespace" ? pod.namespace : (variable.value ?? "");
    resolved[variable.name] = value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => resolved[name] ?? whole);
  }
  return resolved;
}
