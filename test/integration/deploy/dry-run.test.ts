// deploy/base and the example overlay pass a server-side dry run on the real API server, hang together
// (selectors, ports, ServiceAccount, Lease namespace), meet Pod Security "restricted", and configure the
// operator validly. The overlay includes the ServiceMonitor component, whose CRD this cluster lacks, so the
// test installs a stand-in CRD for it (see serviceMonitorStandIn) instead of skipping the object: the
// server then checks the ServiceMonitor's fields too, and the base is shown to apply without any such CRD.
// The example overlay's cases run in order: the first needs the ServiceMonitor CRD to be absent, the second
// installs it, and the third relies on it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "../../../src/config.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { repoRoot } from "../../harness/paths.ts";
import { waitFor } from "../../harness/wait.ts";
import { rejection } from "../api/kube.ts";
import { containerPort, findObject, manifestSchema, operatorPod, resolvedEnvironment, selects, serverDryRun, type Manifest } from "./manifest-objects.ts";

const base = join(repoRoot, "deploy", "base");
const overlay = join(repoRoot, "deploy", "overlays", "example");
const serviceMonitorCrd = "servicemonitors.monitoring.coreos.com";

/**
 * A stand-in for the Prometheus Operator's ServiceMonitor CRD: the same group, version and names, and the
 * types of the fields our component sets. kubectl validates fields strictly by default, so a misspelt field
 * is rejected as it would be on a cluster with the real CRD.
 */
const serviceMonitorStandIn = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: serviceMonitorCrd },
  spec: {
    group: "monitoring.coreos.com",
    scope: "Namespaced",
    names: { kind: "ServiceMonitor", listKind: "ServiceMonitorList", plural: "servicemonitors", singular: "servicemonitor" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["selector"],
                properties: {
                  selector: { type: "object", properties: { matchLabels: { type: "object", additionalProperties: { type: "string" } } } },
                  endpoints: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        port: { type: "string" },
                        path: { type: "string" },
                        interval: { type: "string", pattern: "^(0|([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?)$" },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const serviceSpecSchema = z.looseObject({
  selector: z.record(z.string(), z.string()),
  ports: z.array(z.object({ name: z.string().optional(), port: z.number(), targetPort: z.union([z.string(), z.number()]) }).loose()),
});
const selectorSpecSchema = z.looseObject({ selector: z.object({ matchLabels: z.record(z.string(), z.string()) }) });
const networkPolicySpecSchema = z.looseObject({
  podSelector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
  policyTypes: z.array(z.string()),
  ingress: z.array(z.object({ ports: z.array(z.object({ port: z.union([z.string(), z.number()]), protocol: z.string() })) }).loose()),
  egress: z.array(z.object({ ports: z.array(z.object({ port: z.union([z.string(), z.number()]), protocol: z.string() })) }).loose()),
});
const subjectsSchema = z.array(z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() }));
const operatorLabel = "securedcontent.io/operator-service-account";
const bindingSpecSchema = z.looseObject({ paramRef: z.unknown().optional() });
const serviceMonitorSpecSchema = z.object({
  selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
  endpoints: z.array(z.object({ port: z.string(), path: z.string() }).loose()),
});

function subjectsOf(object: Manifest): z.infer<typeof subjectsSchema> {
  return subjectsSchema.parse((object as { subjects?: unknown }).subjects);
}

/** Pod Security "restricted" is enforced on pods, not Deployments: dry-run the pod the Deployment would make. */
function podFromTemplate(objects: readonly Manifest[], edit: (spec: Record<string, unknown>) => void = () => undefined): unknown {
  const { labels, namespace, deployment } = operatorPod(objects);
  const spec = structuredClone(deployment.template.spec) as Record<string, unknown>;
  edit(spec);
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "securedcontent-dry-run", namespace, labels }, spec };
}

describe("deploy/ on the API server", () => {
  const env = inject("harness");

  beforeAll(async () => {
    // A dry run stores nothing, so objects in a namespace the same dry run "creates" would be refused: the
    // namespace must exist. Install the base for real first, the way the README's `kubectl apply -k` does
    // (client-side), as the other files in this folder also do. The base's server-side dry run over it must
    // then go through without conflicts, which is why it runs without --force-conflicts.
    await kubectl(env, ["apply", "-k", base]);
  });

  afterAll(async () => {
    await kubectl(env, ["delete", "crd", serviceMonitorCrd, "--ignore-not-found", "--timeout=60s"]);
  });

  describe("the base", () => {
    let objects: Manifest[];

    beforeAll(async () => {
      objects = await serverDryRun(env, base);
    });

    it("passes a server-side dry run on a cluster without the Prometheus Operator's CRDs", () => {
      expect(objects.map((o) => o.kind).sort()).toEqual([
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition", // SecuredContentBucket
        "CustomResourceDefinition", // SecuredContentClass
        "Deployment",
        "Namespace",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Role",
        "RoleBinding",
        "Service",
        "ServiceAccount",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingAdmissionPolicyBinding",
      ]);
    });

    it("names the operator to the status policy through exactly one Namespace, the operator's, labelled with its ServiceAccount", () => {
      const { namespace, spec } = operatorPod(objects);
      const labelled = objects.filter((o) => o.kind === "Namespace" && o.metadata.labels?.[operatorLabel] !== undefined);
      expect(labelled.map((o) => [o.metadata.name, o.metadata.labels?.[operatorLabel]])).toEqual([[namespace, spec.serviceAccountName]]);
      const binding = bindingSpecSchema.parse(findObject(objects, "ValidatingAdmissionPolicyBinding", "securedcontent-status-writer").spec);
      expect(binding.paramRef).toEqual({ selector: { matchExpressions: [{ key: operatorLabel, operator: "Exists" }] }, parameterNotFoundAction: "Deny" });
    });

    it("selects the operator's pods from the PodDisruptionBudget, the metrics Service and the NetworkPolicy", () => {
      const { labels, deployment } = operatorPod(objects);
      expect(selects(deployment.selector.matchLabels, labels)).toBe(true);
      const budget = findObject(objects, "PodDisruptionBudget");
      expect(selects(selectorSpecSchema.parse(budget.spec).selector.matchLabels, labels)).toBe(true);
      expect((budget.spec as { minAvailable?: unknown }).minAvailable).toBe(1);
      expect(selects(serviceSpecSchema.parse(findObject(objects, "Service").spec).selector, labels)).toBe(true);
      expect(selects(networkPolicySpecSchema.parse(findObject(objects, "NetworkPolicy").spec).podSelector.matchLabels, labels)).toBe(true);
    });

    it("points probes, the metrics Service and the NetworkPolicy's ingress at the port the operator listens on", () => {
      const { container } = operatorPod(objects);
      const listening = Number(/:(\d+)$/.exec(resolvedEnvironment(container, { name: "p", namespace: "n" })["METRICS_ADDRESS"] ?? ":8080")?.[1]);
      expect(container.livenessProbe?.httpGet.path).toBe("/healthz");
      expect(container.readinessProbe?.httpGet.path).toBe("/readyz");
      expect(containerPort(container, container.livenessProbe?.httpGet.port ?? "")).toBe(listening);
      expect(containerPort(container, container.readinessProbe?.httpGet.port ?? "")).toBe(listening);
      const service = serviceSpecSchema.parse(findObject(objects, "Service").spec);
      expect(service.ports.map((p) => containerPort(container, p.targetPort))).toEqual([listening]);
      const policy = networkPolicySpecSchema.parse(findObject(objects, "NetworkPolicy").spec);
      expect(policy.policyTypes.sort()).toEqual(["Egress", "Ingress"]);
      expect(policy.ingress.flatMap((rule) => rule.ports.map((p) => containerPort(container, p.port)))).toEqual([listening]);
      const egress = policy.egress.flatMap((rule) => rule.ports.map((p) => `${p.protocol}/${String(p.port)}`)).sort();
      expect(egress).toEqual(["TCP/443", "TCP/53", "UDP/53"]);
    });

    it("binds the ClusterRole and the Lease Role to the ServiceAccount the pods run as, in the Lease's namespace", () => {
      const { container, namespace, spec } = operatorPod(objects);
      const account = findObject(objects, "ServiceAccount");
      expect(spec.serviceAccountName).toBe(account.metadata.name);
      expect(account.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\//);
      const subject = { kind: "ServiceAccount", name: account.metadata.name, namespace };
      expect(subjectsOf(findObject(objects, "ClusterRoleBinding"))).toEqual([subject]);
      expect(subjectsOf(findObject(objects, "RoleBinding"))).toEqual([subject]);
      expect(findObject(objects, "Role").metadata.namespace).toBe(namespace);
      const leaderElection = resolvedEnvironment(container, { name: "securedcontent-0", namespace })["LEADER_ELECTION"];
      expect(leaderElection?.split("/")[0]).toBe(namespace);
    });

    it("runs two replicas hardened as Pod Security restricted asks, with requests, limits and a grace period", () => {
      const { container, spec, deployment } = operatorPod(objects);
      expect(deployment.replicas).toBe(2);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(spec.securityContext.runAsUser).not.toBe(0);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
      expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String) as unknown, memory: expect.any(String) as unknown });
      expect(container.resources?.limits?.["memory"]).toEqual(expect.any(String));
      const shutdownGrace = Number(resolvedEnvironment(container, { name: "p", namespace: "n" })["SHUTDOWN_GRACE_SECONDS"] ?? 25);
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(shutdownGrace);
    });

    it("makes pods that the namespace's enforced Pod Security restricted level admits, and refuses a weakened one", async () => {
      const namespace = findObject(objects, "Namespace");
      expect(namespace.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
      await kubectl(env, ["create", "--dry-run=server", "-f", "-"], { input: JSON.stringify(podFromTemplate(objects)) });
      const weakened = podFromTemplate(objects, (spec) => {
        const [container] = spec["containers"] as Record<string, unknown>[];
        if (container !== undefined) container["securityContext"] = { ...(container["securityContext"] as object), allowPrivilegeEscalation: true };
      });
      expect(await rejection(kubectl(env, ["create", "--dry-run=server", "-f", "-"], { input: JSON.stringify(weakened) }))).toMatch(/violates PodSecurity "restricted/);
    });
  });

  describe("the example overlay", { concurrent: false, shuffle: false }, () => {
    it("needs the ServiceMonitor CRD, which is why that object is an optional component", async () => {
      expect(await rejection(serverDryRun(env, overlay, { forceConflicts: true }))).toMatch(/no matches for kind "ServiceMonitor"/);
    });

    it("passes a server-side dry run once the ServiceMonitor CRD exists, and its ServiceMonitor scrapes the metrics Service", async () => {
      await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(serviceMonitorStandIn) });
      await kubectl(env, ["wait", "--for=condition=Established", `crd/${serviceMonitorCrd}`, "--timeout=60s"]);
      await waitFor(() => kubectl(env, ["get", "servicemonitors", "--all-namespaces"]), { what: "ServiceMonitors to be listable", timeoutMs: 30_000, intervalMs: 250 });

      const objects = await serverDryRun(env, overlay, { forceConflicts: true });
      const monitor = findObject(objects, "ServiceMonitor");
      const service = findObject(objects, "Service");
      const monitorSpec = serviceMonitorSpecSchema.parse(monitor.spec);
      expect(monitor.metadata.namespace).toBe(service.metadata.namespace);
      expect(selects(monitorSpec.selector.matchLabels, service.metadata.labels ?? {})).toBe(true);
      const servicePorts = serviceSpecSchema.parse(service.spec).ports.map((p) => p.name);
      expect(monitorSpec.endpoints.map((e) => [e.port, e.path])).toEqual([[servicePorts[0], "/metrics"]]);
    });

    it("sets the image, the IAM role and an environment the operator accepts", async () => {
      const objects = await serverDryRun(env, overlay, { forceConflicts: true });
      const { container, namespace } = operatorPod(objects);
      expect(container.image).toMatch(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/securedcontent[:@]/);
      expect(findObject(objects, "ServiceAccount").metadata.annotations?.["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\//);
      const config = loadConfig(resolvedEnvironment(container, { name: "securedcontent-5d8f7-abcde", namespace }));
      expect(config.EDGE_FUNCTION_ROLE_ARN).toMatch(/:role\/securedcontent-edge$/);
      expect(config.LEADER_ELECTION).toEqual({ namespace, name: "securedcontent" });
      expect(config.CLUSTER_NAME).not.toBe("default");
    });
  });

  it("keeps identifying the operator when an overlay moves it to another namespace, as README.md shows", async () => {
    // The overlay lives beside the test's other files; kustomize takes a base only by a relative path.
    const dir = join(env.runDir, "deploy-renamed-namespace");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "kustomization.yaml"), JSON.stringify({
      namespace: "platform-operators",
      resources: [relative(dir, base)],
      transformers: ["subjects.yaml"],
    }));
    writeFileSync(join(dir, "subjects.yaml"), JSON.stringify({
      apiVersion: "builtin",
      kind: "NamespaceTransformer",
      metadata: { name: "operator-namespace", namespace: "platform-operators" },
      setRoleBindingSubjects: "allServiceAccounts",
      unsetOnly: false,
    }));
    const built = z.object({ items: z.array(manifestSchema) }).parse(JSON.parse(await kubectl(env, ["apply", "--dry-run=client", "-k", dir, "-o", "json"]))).items;
    const labelled = built.filter((o) => o.kind === "Namespace" && o.metadata.labels?.[operatorLabel] !== undefined);
    expect(labelled.map((o) => o.metadata.name)).toEqual(["platform-operators"]);
    for (const kind of ["ClusterRoleBinding", "RoleBinding"]) {
      expect(subjectsOf(findObject(built, kind)).map((s) => s.namespace)).toEqual(["platform-operators"]);
    }
    // Nothing in the policies names the namespace, so nothing there needed rewriting.
    for (const o of built.filter((m) => m.kind.startsWith("ValidatingAdmissionPolicy"))) {
      expect(JSON.stringify(o)).not.toContain("securedcontent-system");
    }
  });
});
