// deploy/'s RBAC is enough, and each verb it grants is needed: the operator, in its own process and holding
// only a TokenRequest token of deploy/'s ServiceAccount, takes its Lease and brings a SecuredContentBucket to
// Ready against the emulator; with one verb taken away it cannot, and says why, until the verb is back.
// deploy/'s two admission policies narrow that RBAC further, and the last cases show each on the same API
// server: the operator may write only the ConfigMaps it manages, and no one else may write status. Each
// refusal is shown to be the policy's: with the policy's binding deleted, the same request goes through.
// The cases run in order: they share one operator process, whose 403 count the Ready case expects to be zero
// before the cases that take a verb away cause 403s on purpose.
import { join } from "node:path";
import { GetBucketPolicyCommand, GetBucketTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { repoRoot } from "../../harness/paths.ts";
import { waitFor } from "../../harness/wait.ts";
import { applyBucketResource, prepareLifecycle, type Lifecycle } from "../reconcile/lifecycle-fixtures.ts";
import { apiRequest, metricSum, operatorAccount, operatorCan, requestServiceAccountToken, startOperatorProcess, userCan, whoAmI, type ApiResponse, type OperatorProcess } from "./service-account-operator.ts";
import { installPermissiveClass } from "../../harness/classes.ts";

const namespace = "deploy-rbac";
const base = join(repoRoot, "deploy", "base");

const ruleSchema = z.looseObject({ apiGroups: z.array(z.string()), resources: z.array(z.string()), verbs: z.array(z.string()) });
const clusterRoleSchema = z.looseObject({ rules: z.array(ruleSchema) });
type ClusterRole = z.infer<typeof clusterRoleSchema>;

const mergePatch = "application/merge-patch+json";
const policies = { status: "securedcontent-status-writer", configMaps: "securedcontent-managed-configmaps" } as const;

/** A SecuredContentClass that any schema of the class CRD accepts: every namespace, one bucket pattern, one pool. */
function probeClass(name: string): unknown {
  return {
    apiVersion: "securedcontent.io/v1alpha1",
    kind: "SecuredContentClass",
    metadata: { name },
    spec: { namespaces: { from: "All" }, buckets: { namePatterns: ["deploy-rbac-probe-*"] }, userPools: ["us-east-1_AbCdEf123"] },
  };
}

/** The class CRD's names, scope and status subresource, for a cluster whose crds/ does not have it yet. */
const classCrdStandIn = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "securedcontentclasses.securedcontent.io" },
  spec: {
    group: "securedcontent.io",
    scope: "Cluster",
    names: { kind: "SecuredContentClass", listKind: "SecuredContentClassList", plural: "securedcontentclasses", singular: "securedcontentclass" },
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
};

const conditionSchema = z.looseObject({ type: z.string(), status: z.string(), reason: z.string(), message: z.string(), observedGeneration: z.number().optional() });
const bucketResourceSchema = z.looseObject({
  metadata: z.looseObject({ generation: z.number() }),
  status: z.looseObject({ conditions: z.array(conditionSchema).default([]) }).optional(),
});

/** The ClusterRole with one verb taken off the rule for `resource`; throws if there is nothing to take. */
function withoutVerb(role: ClusterRole, resource: string, verb: string): ClusterRole {
  // A rule left without verbs is dropped: the API server refuses an empty verb list.
  const rules = role.rules
    .map((rule) => (rule.resources.includes(resource) ? { ...rule, verbs: rule.verbs.filter((v) => v !== verb) } : rule))
    .filter((rule) => rule.verbs.length > 0);
  if (JSON.stringify(rules) === JSON.stringify(role.rules)) throw new Error(`the ClusterRole grants no ${verb} on ${resource}`);
  return { ...role, rules };
}

describe("the operator with deploy/'s ServiceAccount and RBAC only", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  let lifecycle: Lifecycle;
  let token: string;
  let operator: OperatorProcess;

  /** Whether the ServiceAccount may; `resource` may name a subresource, as RBAC rules do. */
  function can(verb: string, resource: string, ...more: string[]): Promise<boolean> {
    const [plural = "", subresource] = resource.split("/");
    return operatorCan(env, [verb, plural, ...(subresource === undefined ? [] : [`--subresource=${subresource}`]), ...more]);
  }

  async function bucketResource(name: string): Promise<z.infer<typeof bucketResourceSchema>> {
    return bucketResourceSchema.parse(JSON.parse(await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "json"])));
  }

  function condition(resource: z.infer<typeof bucketResourceSchema>, type: string): z.infer<typeof conditionSchema> | undefined {
    return resource.status?.conditions.find((c) => c.type === type);
  }

  async function waitReady(name: string): Promise<void> {
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", `scb/${name}`, "--timeout=90s"]);
  }

  /** Waits until the operator has logged a failed reconcile of `name` caused by `denial`; returns the messages. */
  async function deniedRequestsLogged(name: string, denial: string): Promise<Set<string>> {
    // Errors are logged as objects, so the type and the stack survive; the denial is in the message.
    const denied = (line: Record<string, unknown>): boolean => {
      const err = line["err"];
      if (line["key"] !== `${namespace}/${name}` || typeof err !== "object" || err === null) return false;
      return "type" in err && err.type === "KubeApiError" && "message" in err && String(err.message).includes(denial) && "stack" in err;
    };
    return waitFor(
      () => {
        const seen = new Set(operator.logLines().filter(denied).map((l) => String(l["msg"])));
        return seen.has("reconcile failed; will retry") ? seen : undefined;
      },
      { what: `the operator to log a failed reconcile of ${name} (${denial})`, timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  /** Applies the ClusterRole less one verb, runs `check`, and always puts deploy/base back. */
  async function withVerbRemoved(resource: string, verb: string, check: () => Promise<void>): Promise<void> {
    const live = clusterRoleSchema.parse(JSON.parse(await kubectl(env, ["get", "clusterrole", "securedcontent", "-o", "json"])));
    await kubectl(env, ["replace", "-f", "-"], { input: JSON.stringify(withoutVerb(live, resource, verb)) });
    try {
      await waitFor(async () => ((await can(verb, resource, "-n", namespace)) ? undefined : true), { what: `RBAC to deny ${verb} ${resource}`, timeoutMs: 10_000 });
      await check();
    } finally {
      await kubectl(env, ["apply", "-k", base]);
    }
    expect(await can(verb, resource, "-n", namespace)).toBe(true);
  }

  /**
   * Deletes one admission policy's binding, waits until `request` goes through, and always puts deploy/base
   * back and waits until `request` is refused again: the proof that the policy, not RBAC, refused it.
   */
  async function goesThroughWithoutBinding(binding: string, request: () => Promise<ApiResponse>): Promise<void> {
    await kubectl(env, ["delete", "validatingadmissionpolicybinding", binding]);
    try {
      await waitFor(async () => ((await request()).status === 200 ? true : undefined), { what: `the request to go through without ${binding}`, timeoutMs: 20_000, intervalMs: 250 });
    } finally {
      await kubectl(env, ["apply", "-k", base]);
    }
    await waitFor(async () => ((await request()).status === 403 ? true : undefined), { what: `${binding} to refuse again`, timeoutMs: 20_000, intervalMs: 250 });
  }

  beforeAll(async () => {
    await kubectl(env, ["apply", "-k", base]);
    lifecycle = await prepareLifecycle(env, namespace, "deploy-rbac");
    // Resources need a class to be admitted (README: "Classes and bucket consent").
    await installPermissiveClass(env);
    token = await requestServiceAccountToken(env);
    operator = await startOperatorProcess(env, { token, edgeRoleArn: lifecycle.edgeRoleArn, watchNamespace: namespace, identity: "securedcontent-0" });
  }, 180_000);

  afterAll(async () => {
    await operator.stop();
    // No operator is left to remove finalizers, and there is no namespace controller: clear up by hand.
    const names = (await kubectl(env, ["get", "scb", "-n", namespace, "-o", "name"])).split("\n").filter((n) => n !== "");
    for (const name of names) {
      await kubectl(env, ["patch", "-n", namespace, name, "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
    }
    await kubectl(env, ["delete", "scb", "--all", "-n", namespace, "--ignore-not-found", "--wait=true"]);
    await kubectl(env, ["delete", "namespace", namespace, "--ignore-not-found", "--wait=false"]);
    lifecycle.restore();
  });

  it("authenticates as the ServiceAccount and nothing more", async () => {
    const user = await whoAmI(env, token);
    expect(user.username).toBe(operatorAccount.user);
    expect(user.groups).not.toContain("system:masters");
  });

  it("takes the leader Lease in its own namespace and brings a SecuredContentBucket to Ready", async () => {
    await applyBucketResource(env, { name: "granted", namespace, bucket: "deploy-rbac-granted", pool: lifecycle.pool });
    await waitReady("granted");

    const lease = z.object({ spec: z.object({ holderIdentity: z.string() }) });
    const held = lease.parse(JSON.parse(await kubectl(env, ["get", "lease", "-n", operatorAccount.namespace, "securedcontent", "-o", "json"])));
    expect(held.spec.holderIdentity).toBe(operator.identity);
    const events = await kubectl(env, ["get", "events", "-n", namespace, "--field-selector", "involvedObject.name=granted", "-o", "name"]);
    expect(events.trim()).not.toBe("");
    expect(metricSum(await operator.metrics(), "rest_client_requests_total", { code: "403" })).toBe(0);
  }, 120_000);

  it("needs patch on securedcontentbuckets: without it no finalizer goes on, so nothing in AWS is touched", async () => {
    await withVerbRemoved("securedcontentbuckets", "patch", async () => {
      await applyBucketResource(env, { name: "no-finalizer", namespace, bucket: "deploy-rbac-no-finalizer", pool: lifecycle.pool });
      await deniedRequestsLogged("no-finalizer", 'cannot patch resource "securedcontentbuckets" ');
      const resource = z.looseObject({ metadata: z.looseObject({ finalizers: z.array(z.string()).optional() }) });
      expect(resource.parse(JSON.parse(await kubectl(env, ["get", "-n", namespace, "scb/no-finalizer", "-o", "json"]))).metadata.finalizers).toBeUndefined();
      const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: "deploy-rbac-no-finalizer" }))).Policy ?? "";
      expect(policy).toContain('"Principal":"*"');
      const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: "deploy-rbac-no-finalizer" })).then((r) => r.TagSet ?? [], () => []);
      expect(tags.map((t) => t.Key)).not.toContain("securedcontent.io/owner");
    });
    await waitReady("no-finalizer");
  }, 180_000);

  it("needs patch on securedcontentbuckets/status: without it the resource does not turn Ready, and the 403 is logged", async () => {
    await withVerbRemoved("securedcontentbuckets/status", "patch", async () => {
      await applyBucketResource(env, { name: "no-status", namespace, bucket: "deploy-rbac-no-status", pool: lifecycle.pool });
      const messages = await deniedRequestsLogged("no-status", 'cannot patch resource "securedcontentbuckets/status"');
      // It tried to report the failure itself, through the same denied subresource, and said so.
      expect([...messages].sort()).toEqual(["could not report the failure in status", "reconcile failed; will retry"]);
      expect(condition(await bucketResource("no-status"), "Ready")).toBeUndefined();
      expect(metricSum(await operator.metrics(), "rest_client_requests_total", { method: "PATCH", code: "403" })).toBeGreaterThan(0);
    });
    // The same operator recovers on its own once the verb is back.
    await waitReady("no-status");
  }, 180_000);

  it("needs create on configmaps: without it the export fails and the resource reports the 403 in its conditions", async () => {
    await withVerbRemoved("configmaps", "create", async () => {
      await applyBucketResource(env, { name: "no-export", namespace, bucket: "deploy-rbac-no-export", pool: lifecycle.pool });
      await kubectl(env, ["patch", "-n", namespace, "scb/no-export", "--type=merge", "-p", '{"spec":{"export":{"configMapName":"no-export-address"}}}']);
      const ready = await waitFor(
        async () => {
          const resource = await bucketResource("no-export");
          const current = condition(resource, "Ready");
          return current?.observedGeneration === resource.metadata.generation && current.message.includes('cannot create resource "configmaps"') ? current : undefined;
        },
        { what: "the resource to report the denied ConfigMap", timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(ready.status).toBe("False");
      expect(condition(await bucketResource("no-export"), "Reconciling")?.status).toBe("True");
    });
    await waitReady("no-export");
    const exported = z.object({ data: z.object({ url: z.string() }) });
    expect(exported.parse(JSON.parse(await kubectl(env, ["get", "configmap", "-n", namespace, "no-export-address", "-o", "json"]))).data.url).toMatch(/^https:\/\//);
  }, 180_000);

  describe("deploy/'s admission policies, on top of that RBAC", () => {
    const configMapPath = (ns: string, name = "") => `/api/v1/namespaces/${ns}/configmaps${name === "" ? "" : `/${name}`}`;
    const statusPath = (name: string) => `/apis/securedcontent.io/v1alpha1/namespaces/${namespace}/securedcontentbuckets/${name}/status`;
    const refusedBy = (response: ApiResponse, policy: string) => {
      expect(response.status).toBe(403);
      expect(response.body).toContain(`ValidatingAdmissionPolicy '${policy}'`);
    };

    it("refuses the operator a ConfigMap it does not manage, kube-system/aws-auth, although its ClusterRole may patch ConfigMaps anywhere", async () => {
      const awsAuth = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "aws-auth", namespace: "kube-system" }, data: { mapRoles: "[]" } };
      await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(awsAuth) });
      expect(await can("patch", "configmaps", "-n", "kube-system")).toBe(true);
      const escalate = () => apiRequest(env, token, {
        method: "PATCH",
        path: configMapPath("kube-system", "aws-auth"),
        contentType: mergePatch,
        body: { data: { mapRoles: "- rolearn: arn:aws:iam::111122223333:role/intruder\n  groups: [system:masters]" } },
      });
      refusedBy(await escalate(), policies.configMaps);
      // Nor may it make the ConfigMap look managed first, or create an unlabelled one.
      refusedBy(await apiRequest(env, token, {
        method: "PATCH",
        path: configMapPath("kube-system", "aws-auth"),
        contentType: mergePatch,
        body: { metadata: { labels: { "app.kubernetes.io/managed-by": "securedcontent" } } },
      }), policies.configMaps);
      refusedBy(await apiRequest(env, token, {
        method: "POST",
        path: configMapPath(namespace),
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "unlabelled", namespace }, data: { a: "b" } },
      }), policies.configMaps);
      const stored = z.object({ data: z.record(z.string(), z.string()) }).parse(JSON.parse(await kubectl(env, ["get", "configmap", "-n", "kube-system", "aws-auth", "-o", "json"])));
      expect(stored.data["mapRoles"]).toBe("[]");

      await goesThroughWithoutBinding(policies.configMaps, escalate);
    }, 90_000);

    it("lets the operator patch the export ConfigMap it created, which carries the label, but not take the label off", async () => {
      const exported = configMapPath(namespace, "no-export-address");
      const labels = z.object({ metadata: z.object({ labels: z.record(z.string(), z.string()) }) });
      expect(labels.parse(JSON.parse(await kubectl(env, ["get", "configmap", "-n", namespace, "no-export-address", "-o", "json"]))).metadata.labels)
        .toMatchObject({ "app.kubernetes.io/managed-by": "securedcontent" });
      const patched = await apiRequest(env, token, { method: "PATCH", path: exported, contentType: mergePatch, body: { data: { note: "written by the operator's ServiceAccount" } } });
      expect(patched.status).toBe(200);
      refusedBy(await apiRequest(env, token, {
        method: "PATCH",
        path: exported,
        contentType: mergePatch,
        body: { metadata: { labels: { "app.kubernetes.io/managed-by": null } } },
      }), policies.configMaps);
    });

    it("refuses every other ServiceAccount a status write, even one named securedcontent in a tenant's namespace, although RBAC grants it", async () => {
      const role = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "status-writer", namespace },
        rules: [{ apiGroups: ["securedcontent.io"], resources: ["securedcontentbuckets/status"], verbs: ["patch"] }],
      };
      const others = [{ namespace, name: "intruder" }, { namespace, name: operatorAccount.name }];
      const binding = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "status-writer", namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "status-writer" },
        subjects: others.map((o) => ({ kind: "ServiceAccount", ...o })),
      };
      for (const other of others) await kubectl(env, ["create", "serviceaccount", other.name, "-n", other.namespace]);
      await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: [role, binding] }) });

      const before = await bucketResource("granted");
      // What issue #15 describes: point status at someone else's distribution, then delete the resource.
      const forged = { status: { distribution: { id: "E2FORGEDEXAMPLE", arn: "arn:aws:cloudfront::111122223333:distribution/E2FORGEDEXAMPLE" } } };
      for (const other of others) {
        const otherToken = await requestServiceAccountToken(env, other);
        const user = `system:serviceaccount:${other.namespace}:${other.name}`;
        expect(await userCan(env, user, ["patch", "securedcontentbuckets", "--subresource=status", "-n", namespace])).toBe(true);
        refusedBy(await apiRequest(env, otherToken, { method: "PATCH", path: statusPath("granted"), contentType: mergePatch, body: forged }), policies.status);
      }
      expect((await bucketResource("granted")).status).toEqual(before.status);

      // The operator's own status write goes through (the Ready cases above depend on it too).
      expect((await apiRequest(env, token, { method: "PATCH", path: statusPath("granted"), contentType: mergePatch, body: {} })).status).toBe(200);

      const intruderToken = await requestServiceAccountToken(env, others[0] ?? operatorAccount);
      // An empty patch still passes admission as an update, so it shows the refusal without forging anything.
      await goesThroughWithoutBinding(policies.status, () => apiRequest(env, intruderToken, { method: "PATCH", path: statusPath("granted"), contentType: mergePatch, body: {} }));
    }, 90_000);

    it("covers a SecuredContentClass's status the same way, cluster-scoped", async () => {
      const crd = "securedcontentclasses.securedcontent.io";
      // deploy/base carries the class CRD once crds/ has it; until then a stand-in with the same names serves.
      const installed = await kubectl(env, ["get", "crd", crd, "-o", "name"]).then(() => true, () => false);
      if (!installed) {
        await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(classCrdStandIn) });
        await kubectl(env, ["wait", "--for=condition=Established", `crd/${crd}`, "--timeout=60s"]);
      }
      const name = "deploy-rbac-status-probe";
      const intruder = { namespace, name: "intruder" };
      const grant = [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: intruder },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRole",
          metadata: { name: "deploy-rbac-class-status-writer" },
          rules: [{ apiGroups: ["securedcontent.io"], resources: ["securedcontentclasses/status"], verbs: ["patch"] }],
        },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name: "deploy-rbac-class-status-writer" },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "deploy-rbac-class-status-writer" },
          subjects: [{ kind: "ServiceAccount", ...intruder }],
        },
      ];
      try {
        await waitFor(() => kubectl(env, ["get", "securedcontentclasses"]), { what: "classes to be served", timeoutMs: 30_000, intervalMs: 250 });
        await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: [...grant, probeClass(name)] }) });
        const path = `/apis/securedcontent.io/v1alpha1/securedcontentclasses/${name}/status`;
        const patch = async (bearer: string) => apiRequest(env, bearer, { method: "PATCH", path, contentType: mergePatch, body: {} });
        const intruderToken = await requestServiceAccountToken(env, intruder);
        await waitFor(async () => (await userCan(env, `system:serviceaccount:${namespace}:intruder`, ["patch", "securedcontentclasses.securedcontent.io", "--subresource=status"]) ? true : undefined), { what: "RBAC to grant the intruder", timeoutMs: 10_000 });
        refusedBy(await patch(intruderToken), policies.status);
        expect((await patch(token)).status).toBe(200);
      } finally {
        await kubectl(env, ["delete", "securedcontentclass", name, "--ignore-not-found"]).catch(() => undefined);
        await kubectl(env, ["delete", "clusterrolebinding,clusterrole", "deploy-rbac-class-status-writer", "--ignore-not-found"]);
        if (!installed) await kubectl(env, ["delete", "crd", crd, "--ignore-not-found", "--timeout=60s"]);
      }
    });
  });
});
