// Crash safety of the create path: the operator dies right after each mutating AWS call in turn, before it
// could record anything; a fresh operator then converges to exactly one of each AWS resource.
// The cases run in order: they share one namespace, so the operators of each case also reconcile what earlier
// cases left there, and a crash point counts every mutating call its operator makes; each case's counts assume
// the leftovers are already in sync and that no other case's operator is running.
import { CloudFrontClient, ListDistributionsCommand, ListOriginAccessControlsCommand, ListResponseHeadersPoliciesCommand } from "@aws-sdk/client-cloudfront";
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { GetBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { applyBucketResource, prepareLifecycle, type Lifecycle } from "./lifecycle-fixtures.ts";
import { isMutating, startTestOperator, type TestOperator } from "./operator.ts";

const namespace = "crash-safety";

class SimulatedCrash extends Error {
  constructor() {
    super("simulated crash");
    this.name = "SimulatedCrash";
  }
}

/** After `allowed` mutating calls have gone through, every further AWS call fails, as if the process died. */
function crashAfter(operator: TestOperator, allowed: number): { hasCrashed: () => boolean } {
  let done = 0;
  let crashed = false;
  let refused = 0;
  const clients = [operator.aws.s3("us-east-1"), operator.aws.cloudFront(), operator.aws.lambda()];
  for (const client of clients) {
    (client.middlewareStack as { add: (mw: unknown, options: { step: string }) => void }).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        if (crashed) {
          refused += 1;
          throw new SimulatedCrash();
        }
        const result = await next(args);
        if (isMutating((context.commandName ?? "").replace(/Command$/, ""))) {
          done += 1;
          if (done >= allowed) crashed = true;
        }
        return result;
      },
      { step: "initialize" },
    );
  }
  return { hasCrashed: () => refused > 0 };
}

describe("crash safety", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  const lambda = new LambdaClient(awsClientConfig(env));
  const s3 = new S3Client(awsClientConfig(env));
  let lifecycle: Lifecycle;

  beforeAll(async () => {
    lifecycle = await prepareLifecycle(env, namespace, "crash");
  });

  afterAll(() => { lifecycle.restore(); });

  function operatorOptions() {
    return { edgeRoleArn: lifecycle.edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 60_000, deployingRequeueMs: 300, namespaces: [namespace] };
  }

  function apply(name: string, bucket: string): Promise<void> {
    return applyBucketResource(env, { name, namespace, bucket, pool: lifecycle.pool });
  }

  async function countFor(name: string, bucket: string): Promise<{ distributions: number; oacs: number; functions: number; headersPolicies: number }> {
    const distributions = (await cloudFront.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
    const oacs = (await cloudFront.send(new ListOriginAccessControlsCommand({}))).OriginAccessControlList?.Items ?? [];
    const policies = (await cloudFront.send(new ListResponseHeadersPoliciesCommand({ Type: "custom" }))).ResponseHeadersPolicyList?.Items ?? [];
    const functions = (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
    return {
      distributions: distributions.filter((d) => d.Origins?.Items?.some((o) => o.DomainName?.startsWith(`${bucket}.`))).length,
      // The cluster's shared OACs: one, however many resources there are and wherever a crash hit.
      oacs: oacs.filter((o) => o.Name?.startsWith("scb-shared-test-") === true || o.Name?.includes(`-${namespace}-${name}-`) === true).length,
      functions: functions.filter((f) => f.FunctionName?.includes(`-${namespace}-${name}-`)).length,
      // The cluster's shared response headers policies: every resource here has the same settings, so one.
      headersPolicies: policies.filter((p) => p.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.Name?.startsWith("scb-headers-") === true).length,
    };
  }

  it("converges to one distribution, one OAC, one function and one response headers policy after a crash at every mutating call", async () => {
    // A clean run says how many mutating calls creating one resource takes.
    const reference = await startTestOperator(env, operatorOptions());
    await apply("reference", "crash-reference");
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/reference", "--timeout=60s"]);
    // The reference made the cluster's shared OAC and response headers policy; the resources after it find them,
    // so they make two calls fewer (a crash just after creating a policy is the step test's business).
    const shared = new Set(["CreateOriginAccessControl", "CreateResponseHeadersPolicy"]);
    const mutatingCalls = reference.calls.calls.filter((c) => isMutating(c.operation) && !shared.has(c.operation)).length;
    await reference.stop();
    expect(mutatingCalls).toBeGreaterThanOrEqual(5); // claim, Block Public Access, function, distribution, policy

    for (let crashAt = 1; crashAt <= mutatingCalls; crashAt += 1) {
      const name = `crash-${crashAt}`;
      const bucket = `crash-bucket-${crashAt}`;
      const doomed = await startTestOperator(env, operatorOptions());
      const crash = crashAfter(doomed, crashAt);
      await apply(name, bucket);
      await waitFor(() => (crash.hasCrashed() ? true : undefined), {
        what: `the crash after mutating call ${crashAt}`,
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      await doomed.stop();

      const fresh = await startTestOperator(env, operatorOptions());
      try {
        await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", `scb/${name}`, "--timeout=60s"]);
      } finally {
        await fresh.stop();
      }
      expect({ crashAt, ...(await countFor(name, bucket)) }).toEqual({ crashAt, distributions: 1, oacs: 1, functions: 1, headersPolicies: 1 });
    }
  }, 300_000);

  it("finishes deleting after a crash at every mutating call of the delete path, leaving nothing behind", async () => {
    const reference = await startTestOperator(env, operatorOptions());
    await apply("delete-reference", "delete-reference");
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/delete-reference", "--timeout=60s"]);
    const before = reference.calls.mark();
    await kubectl(env, ["delete", "-n", namespace, "scb/delete-reference", "--timeout=60s"]);
    const mutatingCalls = reference.calls.since(before).filter((c) => isMutating(c.operation)).length;
    await reference.stop();
    // disable, delete distribution, mark function, policy, claim; the shared headers policy and OAC are tried and
    // stay, as the others use them
    expect(mutatingCalls).toBeGreaterThanOrEqual(6);

    for (let crashAt = 1; crashAt <= mutatingCalls; crashAt += 1) {
      const name = `delete-${crashAt}`;
      const bucket = `delete-bucket-${crashAt}`;
      const setup = await startTestOperator(env, operatorOptions());
      await apply(name, bucket);
      await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", `scb/${name}`, "--timeout=60s"]);
      const functionName = (await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "jsonpath={.status.edgeFunction.name}"])).trim();
      const crash = crashAfter(setup, crashAt);
      await kubectl(env, ["delete", "-n", namespace, `scb/${name}`, "--wait=false"]);
      // After the last call nothing else reaches AWS: the deletion may simply finish before it can crash.
      const gone = async (): Promise<boolean> => !(await kubectl(env, ["get", "scb", "-n", namespace, "-o", "name"])).includes(`/${name}\n`);
      await waitFor(async () => (crash.hasCrashed() || (await gone()) ? true : undefined), { what: `the crash after delete call ${crashAt}`, timeoutMs: 30_000, intervalMs: 100 });
      await setup.stop();

      const fresh = await startTestOperator(env, operatorOptions());
      try {
        await kubectl(env, ["wait", "-n", namespace, "--for=delete", `scb/${name}`, "--timeout=60s"]);
      } finally {
        await fresh.stop();
      }
      // The shared OAC and response headers policy are still there for the distributions of the other resources.
      expect({ crashAt, ...(await countFor(name, bucket)) }).toEqual({ crashAt, distributions: 0, oacs: 1, functions: 1, headersPolicies: 1 });
      const tags = (await lambda.send(new GetFunctionCommand({ FunctionName: functionName }))).Tags ?? {};
      expect(Object.keys(tags)).toContain("securedcontent.io/pending-deletion");
      await expect(s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: "NoSuchBucketPolicy" });
    }
  }, 300_000);

  it("deletes cleanly after a crash that left a new distribution out of status, finding it again", async () => {
    const reference = await startTestOperator(env, operatorOptions());
    await apply("unrecorded-reference", "unrecorded-reference");
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/unrecorded-reference", "--timeout=60s"]);
    const order = reference.calls.calls.filter((c) => isMutating(c.operation)).map((c) => c.operation);
    await reference.stop();
    // The shared OAC and response headers policy already exist (earlier cases made them) and are found by name
    // whatever status says.
    const creates = ["CreateDistributionWithTags"].map((operation) => order.indexOf(operation) + 1);
    expect(creates.every((index) => index > 0)).toBe(true);

    for (const crashAt of creates) {
      const name = `unrecorded-${crashAt}`;
      const bucket = `unrecorded-bucket-${crashAt}`;
      const doomed = await startTestOperator(env, operatorOptions());
      const crash = crashAfter(doomed, crashAt);
      await apply(name, bucket);
      await waitFor(() => (crash.hasCrashed() ? true : undefined), { what: `the crash after mutating call ${crashAt}`, timeoutMs: 30_000, intervalMs: 50 });
      await doomed.stop();
      const status = (await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "jsonpath={.status.distribution.id}{.status.responseHeadersPolicyId}"])).trim();
      expect(status).toBe("");

      await kubectl(env, ["delete", "-n", namespace, `scb/${name}`, "--wait=false"]);
      const fresh = await startTestOperator(env, operatorOptions());
      try {
        await kubectl(env, ["wait", "-n", namespace, "--for=delete", `scb/${name}`, "--timeout=60s"]);
      } finally {
        await fresh.stop();
      }
      const left = await countFor(name, bucket);
      expect({ crashAt, distributions: left.distributions, oacs: left.oacs, headersPolicies: left.headersPolicies }).toEqual({ crashAt, distributions: 0, oacs: 1, headersPolicies: 1 });
    }
  }, 180_000);
});
