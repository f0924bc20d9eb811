// The real operator in-process, signing its AWS calls as an IAM user of the emulator instead of the harness's
// root credentials, and the shipped policy with a statement or an action taken out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { EdgeFunctionSweeper } from "../../../src/reconcile/edge-function/sweeper.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import type { IamUser, PolicyDocument, PolicyStatement } from "../../harness/iam.ts";
import { repoRoot } from "../../harness/paths.ts";
import type { OperatorPolicyFile } from "../../support/iam-actions.ts";
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

/** A policy of deploy/iam/ as shipped (operator-policy.json unless told), its Actions as arrays. */
export function shippedPolicy(file: OperatorPolicyFile = "operator-policy.json"): { Version: "2012-10-17"; Statement: ShippedStatement[] } {
  return withArrays(JSON.parse(readFileSync(join(repoRoot, "deploy", "iam", file), "utf8")) as { Statement: PolicyStatement[] });
}

function withArrays(document: { Statement: PolicyStatement[] }): { Version: "2012-10-17"; Statement: ShippedStatement[] } {
  return {
    Version: "2012-10-17",
    Statement: document.Statement.map((statement, index) => ({
      ...statement,
      Sid: statement.Sid ?? `#${String(index)}`,
      Action: typeof statement.Action === "string" ? [statement.Action] : [...statement.Action],
    })),
  };
}

/** The tag condition keys of the scoped policy; the emulator puts no value in a request's context for them. */
const tagConditionKey = /^aws:(RequestTag\/|ResourceTag\/|TagKeys$)/i;

/**
 * deploy/iam/operator-policy-scoped.json as the emulator can enforce it: its placeholders filled in, and its tag
 * conditions (aws:RequestTag, aws:ResourceTag, aws:TagKeys) taken out, because the emulator authorizes a
 * request without those keys and a condition on a missing key never holds. Everything else (the bucket prefix,
 * the function names, the resource types, iam:PassedToService) stays as shipped. `untested` names the
 * statements that lost a condition: only the Service Authorization Reference vouches for those conditions.
 */
export function scopedPolicyForEmulator(values: { bucketPrefix: string; clusterName: string }): { policy: PolicyDocument; untested: string[] } {
  const text = readFileSync(join(repoRoot, "deploy", "iam", "operator-policy-scoped.json"), "utf8")
    .replaceAll("BUCKET-PREFIX", values.bucketPrefix)
    .replaceAll("CLUSTER-NAME", values.clusterName);
  const untested: string[] = [];
  const statements = withArrays(JSON.parse(text) as { Statement: PolicyStatement[] }).Statement.map((statement) => {
    if (statement.Condition === undefined) return statement;
    const kept = Object.entries(statement.Condition)
      .map(([operator, keys]) => [operator, Object.fromEntries(Object.entries(keys).filter(([key]) => !tagConditionKey.test(key)))] as const)
      .filter(([, keys]) => Object.keys(keys).length > 0);
    if (JSON.stringify(Object.fromEntries(kept)) === JSON.stringify(statement.Condition)) return statement;
    untested.push(statement.Sid);
    const { Sid, Effect, Action, Resource } = statement;
    return kept.length === 0 ? { Sid, Effect, Action, Resource } : { Sid, Effect, Action, Resource, Condition: Object.fromEntries(kept) };
  });
  return { policy: { Version: "2012-10-17", Statement: statements }, untested };
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
