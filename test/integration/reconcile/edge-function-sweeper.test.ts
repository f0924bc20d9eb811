// The sweeper against the emulator's Lambda: it deletes only this cluster's marked functions, and backs off
// while Lambda refuses because CloudFront's replicas linger (the lambda_edge_replication patch: refused for a
// configurable time after the last distribution stops using the function).
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync, strToU8 } from "fflate";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AwsClients, defaultRateLimits } from "../../../src/aws/clients.ts";
import { EdgeFunctionSweeper } from "../../../src/reconcile/edge-function/sweeper.ts";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { setMotoTransition, unsetMotoTransition } from "../../harness/moto.ts";
import { waitFor } from "../../harness/wait.ts";
import { createDistribution, createOriginAccessControl, editDistribution, operatorDistributionConfig } from "../moto/fixtures.ts";
import { CallLog, useEmulator } from "./operator.ts";

const replicaModel = "lambda::edge-replica";
const gone = "scb-edge-learning-gone-0000000001";

describe("edge function sweeper", () => {
  const env = inject("harness");
  const lambda = new LambdaClient(awsClientConfig(env));
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  let restoreEnv: () => void;
  let aws: AwsClients;
  const calls = new CallLog();

  async function createFunction(name: string, tags: Record<string, string>, role: string): Promise<string> {
    const zip = zipSync({ "index.mjs": strToU8("export const handler = async (e) => e.Records[0].cf.request;") });
    const created = await lambda.send(
      new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs22.x", Handler: "index.handler", Role: role, Code: { ZipFile: zip }, Tags: tags, Publish: true }),
    );
    return `${created.FunctionArn?.replace(/:\d+$/, "") ?? ""}:${created.Version ?? ""}`;
  }

  async function exists(name: string): Promise<boolean> {
    return lambda.send(new GetFunctionCommand({ FunctionName: name })).then(() => true, () => false);
  }

  /** A distribution that used the function, then dropped the association, as deletion's first step does. */
  async function releasedByCloudFront(versionArn: string): Promise<void> {
    const oac = await createOriginAccessControl(cloudFront, "sweeper-oac");
    const distribution = await createDistribution(
      cloudFront,
      operatorDistributionConfig({ callerReference: "sweeper", bucket: "sweeper-bucket", originAccessControlId: oac.id, functionArn: versionArn }),
    );
    await editDistribution(cloudFront, distribution.id, (config) => ({
      ...config,
      Enabled: false,
      DefaultCacheBehavior: { ...config.DefaultCacheBehavior, LambdaFunctionAssociations: { Quantity: 0, Items: [] } } as typeof config.DefaultCacheBehavior,
    }));
  }

  beforeAll(async () => {
    restoreEnv = useEmulator(env);
    aws = new AwsClients({
      defaultRegion: env.awsRegion,
      rateLimits: defaultRateLimits,
      maxAttempts: 1,
      observer: { onCall: (service, operation, outcome) => { calls.calls.push({ service, operation, outcome }); } },
    });
    // Long enough that the first two tries below are refused; AWS takes hours.
    await setMotoTransition(env.awsEndpoint, replicaModel, { progression: "time", seconds: 3 });
    const role = await createEdgeRole(env);
    const goneVersion = await createFunction(gone, { "securedcontent.io/cluster": "test", "securedcontent.io/pending-deletion": "2026-11-23" }, role);
    await createFunction("scb-edge-learning-live-0000000002", { "securedcontent.io/cluster": "test" }, role);
    await createFunction("scb-edge-learning-other-000000003", { "securedcontent.io/cluster": "elsewhere", "securedcontent.io/pending-deletion": "2026-11-23" }, role);
    await releasedByCloudFront(goneVersion);
  });

  afterAll(async () => {
    await unsetMotoTransition(env.awsEndpoint, replicaModel);
    aws.destroy();
    restoreEnv();
  });

  it("retries a refused deletion with growing delays, then deletes only this cluster's marked function", async () => {
    let now = 0;
    const deleted: string[] = [];
    const sweeper = new EdgeFunctionSweeper({
      aws,
      clusterName: "test",
      log: pino({ level: "silent" }),
      backoff: { baseMs: 60_000, maxMs: 600_000, jitter: 0 },
      now: () => now,
      onDeleted: (name) => deleted.push(name),
    });

    const first = await sweeper.sweepOnce();
    expect(first.deferred).toEqual([{ name: gone, retryInMs: 60_000 }]);
    expect(calls.calls.filter((c) => c.operation === "DeleteFunction").map((c) => c.outcome)).toEqual(["InvalidParameterValueException"]);
    const mark = calls.mark();
    expect((await sweeper.sweepOnce()).deferred).toEqual([]);
    expect(calls.since(mark).filter((c) => c.operation === "DeleteFunction")).toEqual([]);
    now += 60_000;
    expect((await sweeper.sweepOnce()).deferred).toEqual([{ name: gone, retryInMs: 120_000 }]);

    // The replicas go away in real time; each due try either defers again with a longer delay or deletes.
    let delay = 120_000;
    await waitFor(
      async () => {
        now += delay;
        const pass = await sweeper.sweepOnce();
        const next = pass.deferred.find((d) => d.name === gone)?.retryInMs;
        if (next !== undefined) {
          expect(next).toBeGreaterThanOrEqual(delay);
          delay = next;
        }
        return pass.deleted.includes(gone) ? true : undefined;
      },
      { what: "the sweeper to delete the function once Lambda accepts", timeoutMs: 20_000, intervalMs: 500 },
    );

    expect(deleted).toEqual([gone]);
    expect(await exists(gone)).toBe(false);
    expect(await exists("scb-edge-learning-live-0000000002")).toBe(true);
    expect(await exists("scb-edge-learning-other-000000003")).toBe(true);
  });
});
