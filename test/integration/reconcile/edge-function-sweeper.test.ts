// The sweeper against the emulator's Lambda: it deletes only this cluster's marked functions, and backs off
// while Lambda refuses because CloudFront's replicas linger (injected here: the emulator has no replicas).
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync, strToU8 } from "fflate";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AwsClients, defaultRateLimits } from "../../../src/aws/clients.ts";
import { EdgeFunctionSweeper } from "../../../src/reconcile/edge-function-sweeper.ts";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { CallLog, useEmulator } from "./operator.ts";

describe("edge function sweeper", () => {
  const env = inject("harness");
  const lambda = new LambdaClient(awsClientConfig(env));
  let restoreEnv: () => void;
  let aws: AwsClients;
  const calls = new CallLog();
  let refusalsLeft = 2;

  async function createFunction(name: string, tags: Record<string, string>, role: string): Promise<void> {
    const zip = zipSync({ "index.mjs": strToU8("export const handler = async (e) => e.Records[0].cf.request;") });
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs22.x", Handler: "index.handler", Role: role, Code: { ZipFile: zip }, Tags: tags }));
  }

  async function exists(name: string): Promise<boolean> {
    return lambda.send(new GetFunctionCommand({ FunctionName: name })).then(() => true, () => false);
  }

  beforeAll(async () => {
    restoreEnv = useEmulator(env);
    aws = new AwsClients({
      defaultRegion: env.awsRegion,
      rateLimits: defaultRateLimits,
      maxAttempts: 1,
      observer: { onCall: (service, operation, outcome) => { calls.calls.push({ service, operation, outcome }); } },
    });
    // Lambda answers this for hours after a Lambda@Edge association is removed.
    aws.lambda().middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "DeleteFunctionCommand" && refusalsLeft > 0) {
          refusalsLeft -= 1;
          throw Object.assign(new Error("Lambda was unable to delete the function because it is a replicated function."), {
            name: "InvalidParameterValueException",
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: "initialize" },
    );
    const role = await createEdgeRole(env);
    await createFunction("scb-edge-learning-gone-0000000001", { "securedcontent.io/cluster": "test", "securedcontent.io/pending-deletion": "2026-11-23" }, role);
    await createFunction("scb-edge-learning-live-0000000002", { "securedcontent.io/cluster": "test" }, role);
    await createFunction("scb-edge-learning-other-000000003", { "securedcontent.io/cluster": "elsewhere", "securedcontent.io/pending-deletion": "2026-11-23" }, role);
  });

  afterAll(() => {
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
    expect(first.deferred).toEqual([{ name: "scb-edge-learning-gone-0000000001", retryInMs: 60_000 }]);
    const mark = calls.mark();
    expect((await sweeper.sweepOnce()).deferred).toEqual([]);
    expect(calls.since(mark).filter((c) => c.operation === "DeleteFunction")).toEqual([]);
    now += 60_000;
    expect((await sweeper.sweepOnce()).deferred).toEqual([{ name: "scb-edge-learning-gone-0000000001", retryInMs: 120_000 }]);
    now += 120_000;
    expect((await sweeper.sweepOnce()).deleted).toEqual(["scb-edge-learning-gone-0000000001"]);

    expect(deleted).toEqual(["scb-edge-learning-gone-0000000001"]);
    expect(await exists("scb-edge-learning-gone-0000000001")).toBe(false);
    expect(await exists("scb-edge-learning-live-0000000002")).toBe(true);
    expect(await exists("scb-edge-learning-other-000000003")).toBe(true);
  });
});
