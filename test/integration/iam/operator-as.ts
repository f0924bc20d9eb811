// The real operator in-process, signing its AWS calls as an IAM user of the emulator instead of the harness's
// root credentials, and the shipped policy with a statement or an action taken out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { EdgeFunctionSweeper } from "../../../src/reconcile/edge-function/sweeper.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import type { IamUser, PolicyDocument, PolicyStatement } from "../../harness/iam.ts";
import { repoRoot } from "../../harness/paths.ts";
import { startTestOperator, type TestOperator, type TestOperatorOptions } from "../reconcile/operator.ts";

export interface OperatorAs extends TestOperator {
  /** A sweeper on the operator's own AWS clients, with sub-second backoff (the operator's own waits minutes). */
  readonly sweeper: EdgeFunctionSweeper;
}

const credentialVariables = ["AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"];

/**
 * Starts the operator with the SDK's standard variables pointing at the emulator and at the user's keys. The SDK
 * reads them when a client makes its first call, so they stay set until `restore` runs, after the operator stops.
 */
export async function startOperatorAs(
  env: HarnessEnv,
  user: Pick<IamUser, "accessKeyId" | "secretAccessKey">,
  options: TestOperatorOptions,
): Promise<{ operator: OperatorAs; restore: () => void }> {
  const saved = Object.fromEntries(credentialVariables.map((name) => [name, process.env[name]]));
  const restore = (): void => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
  for (const name of ["AWS_SESSION_TOKEN", "AWS_PROFILE"]) Reflect.deleteProperty(process.env, name);
  process.env["AWS_ENDPOINT_URL"] = env.awsEndpoint;
  process.env["AWS_REGION"] = env.awsRegion;
  process.env["AWS_ACCESS_KEY_ID"] = user.accessKeyId;
  process.env["AWS_SECRET_ACCESS_KEY"] = user.secretAccessKey;
  try {
    const operator = await startTestOperator(env, options);
    const sweeper = new EdgeFunctionSweeper({
      aws: operator.aws,
      clusterName: options.clusterName ?? "test",
      log: pino({ level: "silent" }),
      backoff: { baseMs: 200, maxMs: 1_000, jitter: 0 },
    });
    return { operator: { ...operator, sweeper }, restore };
  } catch (error) {
    restore();
    throw error;
  }
}

interface ShippedStatement extends PolicyStatement {
  readonly Sid: string;
  readonly Action: readonly string[];
}

/** deploy/iam/operator-policy.json as shipped, its Actions as arrays. */
export function shippedPolicy(): { Version: "2012-10-17"; Statement: ShippedStatement[] } {
  const document = JSON.parse(readFileSync(join(repoRoot, "deploy", "iam", "operator-policy.json"), "utf8")) as {
    Statement: (PolicyStatement & { Sid?: string })[];
  };
  return {
    Version: "2012-10-17",
    Statement: document.Statement.map((statement, index) => ({
      ...statement,
      Sid: statement.Sid ?? `#${String(index)}`,
      Action: typeof statement.Action === "string" ? [statement.Action] : [...statement.Action],
    })),
  };
}

export function withoutStatement(sid: string): PolicyDocument {
  const policy = shippedPolicy();
  if (!policy.Statement.some((s) => s.Sid === sid)) throw new Error(`the shipped policy has no statement ${sid}`);
  return { ...policy, Statement: policy.Statement.filter((s) => s.Sid !== sid) };
}

export function withoutAction(action: string): PolicyDocument {
  const policy = shippedPolicy();
  if (!policy.Statement.some((s) => s.Action.includes(action))) throw new Error(`the shipped policy does not grant ${action}`);
  return {
    ...policy,
    Statement: policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) })).filter((s) => s.Action.length > 0),
  };
}
