// Crash safety of the create path: the operator dies right after each mutating AWS call in turn, before it
// could record anything; a fresh operator then converges to exactly one of each AWS resource.
import { CloudFrontClient, ListDistributionsCommand, ListOriginAccessControlsCommand } from "@aws-sdk/client-cloudfront";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole, createPublicContentBucket } from "../../harness/aws-seed.ts";
import { seedUserPool, type SeededPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { installCrd } from "../api/kube.ts";
import { isMutating, startTestOperator, useEmulator, type TestOperator } from "./operator.ts";

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

describe("crash safety (create path)", () => {
  const env = inject("harness");
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  const lambda = new LambdaClient(awsClientConfig(env));
  let restoreEnv: () => void;
  let edgeRoleArn: string;
  let pool: SeededPool;

  beforeAll(async () => {
    restoreEnv = useEmulator(env);
    await installCrd(env);
    await kubectl(env, ["create", "namespace", namespace]);
    edgeRoleArn = await createEdgeRole(env);
    pool = await seedUserPool(env, { poolName: "crash", groups: ["paid-students"], users: [] });
  });

  afterAll(() => { restoreEnv(); });

  function operatorOptions() {
    return { edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 60_000, deployingRequeueMs: 300, namespaces: [namespace] };
  }

  async function apply(name: string, bucket: string): Promise<void> {
    await createPublicContentBucket(env, bucket, [{ key: "a.txt", body: "a", contentType: "text/plain" }]);
    await kubectl(env, ["apply", "-f", "-"], {
      input: JSON.stringify({
        apiVersion: "securedcontent.io/v1alpha1",
        kind: "SecuredContentBucket",
        metadata: { name, namespace },
        spec: { bucket: { name: bucket, region: "us-east-1" }, auth: { userPoolId: pool.userPoolId, clientIds: [pool.clientId], requiredGroups: ["paid-students"] } },
      }),
    });
  }

  async function countFor(name: string, bucket: string): Promise<{ distributions: number; oacs: number; functions: number }> {
    const distributions = (await cloudFront.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
    const oacs = (await cloudFront.send(new ListOriginAccessControlsCommand({}))).OriginAccessControlList?.Items ?? [];
    const functions = (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
    return {
      distributions: distributions.filter((d) => d.Origins?.Items?.some((o) => o.DomainName?.startsWith(`${bucket}.`))).length,
      oacs: oacs.filter((o) => o.Name?.includes(`-${namespace}-${name}-`)).length,
      functions: functions.filter((f) => f.FunctionName?.includes(`-${namespace}-${name}-`)).length,
    };
  }

  it("converges to one distribution, one OAC and one function after a crash at every mutating call", async () => {
    // A clean run says how many mutating calls creating one resource takes.
    const reference = await startTestOperator(env, operatorOptions());
    await apply("reference", "crash-reference");
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/reference", "--timeout=60s"]);
    const mutatingCalls = reference.calls.calls.filter((c) => isMutating(c.operation)).length;
    await reference.stop();
    expect(mutatingCalls).toBeGreaterThanOrEqual(6); // claim, Block Public Access, OAC, function, distribution, policy

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
      expect({ crashAt, ...(await countFor(name, bucket)) }).toEqual({ crashAt, distributions: 1, oacs: 1, functions: 1 });
    }
  });
});
