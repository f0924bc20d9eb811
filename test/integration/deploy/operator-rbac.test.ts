// deploy/'s RBAC is enough, and each verb it grants is needed: the operator, in its own process and holding
// only a TokenRequest token of deploy/'s ServiceAccount, takes its Lease and brings a SecuredContentBucket to
// Ready against the emulator; with one verb taken away it cannot, and says why, until the verb is back.
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
import { metricSum, operatorAccount, operatorCan, requestServiceAccountToken, startOperatorProcess, whoAmI, type OperatorProcess } from "./service-account-operator.ts";
import { installPermissiveClass } from "../../harness/classes.ts";

const namespace = "deploy-rbac";
const base = join(repoRoot, "deploy", "base");

const ruleSchema = z.looseObject({ apiGroups: z.array(z.string()), resources: z.array(z.string()), verbs: z.array(z.string()) });
const clusterRoleSchema = z.looseObject({ rules: z.array(ruleSchema) });
type ClusterRole = z.infer<typeof clusterRoleSchema>;

const conditionSchema = z.looseObject({ type: z.string(), status: z.string(), reason: z.string(), message: z.string(), observedGeneration: z.number().optional() });
const bucketResourceSchema = z.looseObject({
  metadata: z.looseObject({ generation: z.number() }),
  status: z.looseObject({ conditions: z.array(conditionSchema).default([]) }).optional(),
});

/** The ClusterRole with one verb taken off the rule for `resource`; throws if there is nothing to take. */
function withoutVerb(role: ClusterRole, resource: string, verb: string): ClusterRole {
  const rules = role.rules.map((rule) => (rule.resources.includes(resource) ? { ...rule, verbs: rule.verbs.filter((v) => v !== verb) } : rule));
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
});
