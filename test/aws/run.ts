// One conformance run: creates what a platform team would have (a bucket with an object, a Cognito pool with a
// member and a non-member, the edge execution role, an IAM identity holding only deploy/iam/operator-policy.json),
// runs the real operator against it, checks what viewers get, that an in-sync resource costs no writes, a
// requiredGroups change, deletion and the sweeper, and removes everything it made. The same code runs against
// a real account (test/aws/conformance.ts) and against the emulator (inside `make test`).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CloudFrontClient,
  DeleteDistributionCommand,
  DeleteOriginAccessControlCommand,
  DeleteResponseHeadersPolicyCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetOriginAccessControlCommand,
  GetResponseHeadersPolicyCommand,
  UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { DeleteFunctionCommand, GetFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { pino } from "pino";
import { loadConfig } from "../../src/config.ts";
import { loadKubeConfig } from "../../src/k8s/kubeconfig.ts";
import { createOperator, type Operator } from "../../src/operator.ts";
import { EdgeFunctionSweeper } from "../../src/reconcile/edge-function/sweeper.ts";
import { kubectl } from "../harness/kubectl.ts";
import { repoRoot } from "../harness/paths.ts";
import { waitFor } from "../harness/wait.ts";
import { installCrd } from "../integration/api/kube.ts";
import { installPermissiveClass } from "../harness/classes.ts";
import { CleanupList, type Leftover } from "./cleanup.ts";
import { estimateCost, type CostEstimate } from "./cost.ts";
import type { Target, Viewer } from "./target.ts";

export interface StepResult {
  readonly name: string;
  readonly status: "passed" | "failed" | "skipped";
  readonly seconds: number;
  readonly detail?: string;
}

export interface ConformanceReport {
  readonly target: "aws" | "emulator";
  readonly region: string;
  readonly prefix: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly result: "passed" | "failed";
  readonly steps: readonly StepResult[];
  readonly removed: readonly string[];
  readonly leftovers: readonly Leftover[];
  readonly notes: readonly string[];
  readonly cost: CostEstimate;
}

export interface RunOptions {
  readonly log: (line: string) => void;
  /** Shared with the caller's signal handlers, so Ctrl-C removes what exists so far. */
  readonly cleanup?: CleanupList;
  readonly prefix?: string;
}

const objectKey = "videos/lesson-1.mp4";
const resourceName = "conformance";
const mutating = (operation: string): boolean => !/^(Get|List|Head|Describe)/.test(operation);

interface Made {
  distributionId?: string;
  oacId?: string;
  headersPolicyId?: string;
  functionName?: string;
}

/** securedcontent_aws_calls_total from the operator's /metrics, summed into mutating and read calls. */
export async function awsCallCounts(port: number): Promise<{ mutating: number; reads: number; byOperation: Record<string, number> }> {
  const text = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const counts = { mutating: 0, reads: 0, byOperation: {} as Record<string, number> };
  for (const line of text.split("\n")) {
    const match = /^securedcontent_aws_calls_total\{([^}]*)\}\s+([0-9.e+]+)$/.exec(line);
    if (match === null) continue;
    const operation = /operation="([^"]*)"/.exec(match[1] ?? "")?.[1] ?? "";
    const value = Number(match[2]);
    counts.byOperation[operation] = (counts.byOperation[operation] ?? 0) + value;
    if (mutating(operation)) counts.mutating += value;
    else counts.reads += value;
  }
  return counts;
}

/** deploy/iam/operator-policy.json, with `iam:PassRole` pointed at this run's edge role as deploy/iam/README.md says to do for another role name. */
export function shippedPolicyFor(edgeRoleArn: string): string {
  const policy = JSON.parse(readFileSync(join(repoRoot, "deploy", "iam", "operator-policy.json"), "utf8")) as { Statement: { Sid?: string; Resource: unknown }[] };
  for (const statement of policy.Statement) if (statement.Sid === "PassOnlyTheEdgeRole") statement.Resource = edgeRoleArn;
  return JSON.stringify(policy);
}

export async function runConformance(target: Target, options: RunOptions): Promise<ConformanceReport> {
  const { log } = options;
  const started = Date.now();
  const prefix = options.prefix ?? `scb-conf-${randomBytes(3).toString("hex")}`;
  const cleanup = options.cleanup ?? new CleanupList();
  const t = target.timings;
  const steps: StepResult[] = [];
  const notes: string[] = [];
  let failed = false;
  const step = async <T>(name: string, run: () => Promise<T>, describe?: (value: T) => string): Promise<T | undefined> => {
    if (failed) {
      steps.push({ name, status: "skipped", seconds: 0 });
      log(`SKIP  ${name}`);
      return undefined;
    }
    const begun = Date.now();
    log(`...   ${name}`);
    try {
      const value = await run();
      const detail = describe?.(value);
      steps.push({ name, status: "passed", seconds: (Date.now() - begun) / 1000, ...(detail === undefined ? {} : { detail }) });
      log(`PASS  ${name}${detail === undefined ? "" : `: ${detail}`}`);
      return value;
    } catch (error) {
      failed = true;
      const detail = error instanceof Error ? error.message : String(error);
      steps.push({ name, status: "failed", seconds: (Date.now() - begun) / 1000, detail });
      log(`FAIL  ${name}: ${detail}`);
      return undefined;
    }
  };

  const admin = target.admin;
  const s3 = new S3Client({ ...admin, forcePathStyle: admin.forcePathStyle ?? false });
  const cloudFront = new CloudFrontClient(admin);
  const lambda = new LambdaClient(admin);
  const iam = new IAMClient(admin);
  const cognito = new CognitoIdentityProviderClient(admin);
  const bucket = `${prefix}-content`;
  const namespace = prefix;
  const body = randomBytes(64 * 1024);
  const password = `Conformance-${randomBytes(6).toString("hex")}-A1!`;
  const made: Made = {};
  const usage = { viewerRequests: 0, bytesServed: 0 };
  let pool: { id: string; clientId: string } | undefined;
  let edgeRoleArn = "";
  let operatorKeys: { accessKeyId: string; secretAccessKey: string } | undefined;
  let operator: Operator | undefined;
  let viewer: Viewer | undefined;

  const signIn = async (username: string): Promise<string> => {
    const auth = await cognito.send(new AdminInitiateAuthCommand({
      UserPoolId: pool?.id, ClientId: pool?.clientId, AuthFlow: "ADMIN_USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: password },
    }));
    const token = auth.AuthenticationResult?.IdToken;
    if (token === undefined) throw new Error(`no ID token for ${username}`);
    return token;
  };
  /** GETs through the distribution until the status is the expected one (DNS and replication take a while on AWS). */
  const expectViewer = async (path: string, headers: Record<string, string>, status: number): Promise<Buffer> =>
    waitFor(
      async () => {
        const response = await fetch(`${viewer?.url ?? ""}/${path}`, { headers, signal: AbortSignal.timeout(20_000) });
        const bytes = Buffer.from(await response.arrayBuffer());
        usage.viewerRequests += 1;
        usage.bytesServed += bytes.length;
        if (response.status !== status) throw new Error(`got ${String(response.status)}, expected ${String(status)}`);
        return bytes;
      },
      { what: `${String(status)} for GET /${path}`, timeoutMs: t.viewerSettleMs, intervalMs: target.kind === "aws" ? 5_000 : 200 },
    );
  const scb = async (): Promise<{ generation: number; observed?: number; ready: boolean; stalled?: string; status: Record<string, unknown> } | undefined> => {
    const text = await kubectl(target.kube, ["get", "-n", namespace, `scb/${resourceName}`, "-o", "json", "--ignore-not-found"]);
    if (text.trim() === "") return undefined;
    const object = JSON.parse(text) as { metadata: { generation: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason: string; message: string }[] } & Record<string, unknown> };
    const conditions = object.status?.conditions ?? [];
    const stalled = conditions.find((c) => c.type === "Stalled" && c.status === "True");
    return {
      generation: object.metadata.generation,
      ...(object.status?.observedGeneration === undefined ? {} : { observed: object.status.observedGeneration }),
      ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
      ...(stalled === undefined ? {} : { stalled: `${stalled.reason}: ${stalled.message}` }),
      status: object.status ?? {},
    };
  };
  /** Waits for Ready on the current spec; a Stalled resource ends the wait at once (retrying will not help it). */
  const readyForGeneration = () => {
    let stalled: Error | undefined;
    return waitFor(
      async () => {
        const current = await scb();
        if (current?.stalled !== undefined) stalled = new Error(`Stalled: ${current.stalled}`);
        return current?.ready === true && current.observed === current.generation ? current : undefined;
      },
      { what: `${namespace}/${resourceName} to be Ready`, timeoutMs: t.readyTimeoutMs, intervalMs: target.kind === "aws" ? 5_000 : 200, abortIf: () => stalled },
    );
  };
  const applyResource = (groups: readonly string[]) =>
    kubectl(target.kube, ["apply", "-f", "-"], {
      input: JSON.stringify({
        apiVersion: "securedcontent.io/v1alpha1",
        kind: "SecuredContentBucket",
        metadata: { name: resourceName, namespace },
        spec: { bucket: { name: bucket, region: target.region }, auth: { userPoolId: pool?.id, clientIds: [pool?.clientId], requiredGroups: groups } },
      }),
    });

  try {
    await target.prepare();
    cleanup.add("the emulator's settings for this run", () => target.finish());

    await step("create a bucket with one object", async () => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      cleanup.add(`bucket ${bucket}`, async () => {
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        for (const object of listed.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
        await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: body, ContentType: "video/mp4" }));
      return bucket;
    }, (name) => name);

    await step("create a Cognito user pool with groups, a member, a non-member and an app client", async () => {
      const created = await cognito.send(new CreateUserPoolCommand({ PoolName: `${prefix}-pool` }));
      const id = created.UserPool?.Id ?? "";
      cleanup.add(`user pool ${id}`, async () => { await cognito.send(new DeleteUserPoolCommand({ UserPoolId: id })); });
      const client = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: id, ClientName: `${prefix}-web`, ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }));
      pool = { id, clientId: client.UserPoolClient?.ClientId ?? "" };
      for (const [user, group] of [["member", "members"], ["visitor", "visitors"]] as const) {
        await cognito.send(new CreateGroupCommand({ UserPoolId: id, GroupName: group }));
        await cognito.send(new AdminCreateUserCommand({ UserPoolId: id, Username: user, MessageAction: "SUPPRESS" }));
        await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: id, Username: user, Password: password, Permanent: true }));
        await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: id, Username: user, GroupName: group }));
      }
      return id;
    }, (id) => id);

    await step("create the edge functions' execution role (trusted by lambda and edgelambda)", async () => {
      const role = JSON.parse(readFileSync(join(repoRoot, "deploy", "iam", "edge-function-role.json"), "utf8")) as { AssumeRolePolicyDocument: unknown; PermissionsPolicy: unknown };
      const roleName = `${prefix}-edge`;
      const created = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(role.AssumeRolePolicyDocument) }));
      edgeRoleArn = created.Role?.Arn ?? "";
      cleanup.add(`role ${roleName}`, async () => {
        await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: "write-edge-logs" })).catch(() => undefined);
        await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
      });
      await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "write-edge-logs", PolicyDocument: JSON.stringify(role.PermissionsPolicy) }));
      return edgeRoleArn;
    }, (arn) => arn);

    await step("create the operator's IAM user holding only deploy/iam/operator-policy.json", async () => {
      const userName = `${prefix}-operator`;
      await iam.send(new CreateUserCommand({ UserName: userName }));
      cleanup.add(`user ${userName}`, async () => {
        if (operatorKeys !== undefined) await iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: operatorKeys.accessKeyId })).catch(() => undefined);
        await iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: "securedcontent-operator" })).catch(() => undefined);
        await iam.send(new DeleteUserCommand({ UserName: userName }));
      });
      await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: "securedcontent-operator", PolicyDocument: shippedPolicyFor(edgeRoleArn) }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
      operatorKeys = { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" };
      // New keys and roles become usable a few seconds later on AWS: wait until the key works, then a little more for the role.
      const probe = new LambdaClient({ region: target.region, credentials: operatorKeys, ...(admin.endpoint === undefined ? {} : { endpoint: admin.endpoint }), maxAttempts: 1 });
      await waitFor(() => probe.send(new ListFunctionsCommand({ MaxItems: 1 })).then(() => true), { what: "the operator's access key to work", timeoutMs: 120_000, intervalMs: 2_000 });
      probe.destroy();
      await sleep(t.iamPropagationMs);
      return userName;
    }, (name) => name);

    cleanup.add("AWS resources the operator made, if its deletion did not finish", () => removeOperatorLeftovers({ target, cloudFront, lambda, made, log }));

    await step("start the operator in-process, signing as that user", async () => {
      const restore = useOperatorCredentials(target, operatorKeys);
      cleanup.add("the operator", async () => {
        await viewer?.stop();
        await operator?.stop();
        restore();
      });
      await installCrd(target.kube);
      // The run's own bucket, made for it: no consent tag needed, any namespace of the local control plane.
      await installPermissiveClass(target.kube);
      await kubectl(target.kube, ["create", "namespace", namespace]);
      // Only the local control plane holds it; its finalizer goes so the namespace can.
      cleanup.add(`SecuredContentBucket ${namespace}/${resourceName} (local control plane)`, async () => {
        await kubectl(target.kube, ["patch", "-n", namespace, `scb/${resourceName}`, "--type=merge", "-p", JSON.stringify({ metadata: { finalizers: null } })]).catch(() => undefined);
        await kubectl(target.kube, ["delete", "namespace", namespace, "--wait=false", "--ignore-not-found"]);
      });
      const config = loadConfig({
        AWS_REGION: target.region,
        EDGE_FUNCTION_ROLE_ARN: edgeRoleArn,
        CLUSTER_NAME: prefix,
        WATCH_NAMESPACE: namespace,
        METRICS_ADDRESS: "127.0.0.1:0",
        ...target.operatorEnv,
      });
      operator = await createOperator(config, {
        kubeConfig: await loadKubeConfig({ KUBECONFIG: target.kube.kubeconfig }),
        log: pino({ level: process.env["CONFORMANCE_LOG_LEVEL"] ?? "silent" }),
        identity: "conformance",
        timings: { exposureResyncMs: t.exposureResyncMs, fullResyncMs: t.fullResyncMs, deployingRequeueMs: t.deployingRequeueMs, shutdownGraceMs: 10_000 },
        sweeper: false,
      });
      await operator.start();
      return operator.manager.healthPort;
    }, (port) => `metrics on 127.0.0.1:${String(port)}`);

    await step("apply a SecuredContentBucket: Ready", async () => {
      await applyResource(["members"]);
      const ready = await readyForGeneration();
      const distribution = ready.status["distribution"] as { id: string; domainName: string };
      const edgeFunction = ready.status["edgeFunction"] as { name: string };
      made.distributionId = distribution.id;
      made.oacId = ready.status["originAccessControlId"] as string;
      made.headersPolicyId = ready.status["responseHeadersPolicyId"] as string;
      made.functionName = edgeFunction.name;
      viewer = await target.viewer(distribution.id, distribution.domainName);
      return distribution;
    }, (d) => `distribution ${d.id} at ${d.domainName}`);

    let memberToken = "";
    let visitorToken = "";
    await step("sign in as the member and as the non-member (Cognito ID tokens)", async () => {
      memberToken = await signIn("member");
      visitorToken = await signIn("visitor");
      return "two ID tokens";
    }, (s) => s);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    await step("a member gets the object: 200 with its bytes", async () => {
      const got = await expectViewer(objectKey, bearer(memberToken), 200);
      if (!got.equals(body)) throw new Error(`got ${String(got.length)} bytes that are not the object's ${String(body.length)}`);
      return got.length;
    }, (n) => `${String(n)} bytes`);
    await step("a member's Range request: 206 with that slice", async () => {
      const got = await expectViewer(objectKey, { ...bearer(memberToken), range: "bytes=100-1099" }, 206);
      if (!got.equals(body.subarray(100, 1100))) throw new Error("the 206 body is not bytes 100-1099 of the object");
      return got.length;
    }, (n) => `${String(n)} bytes`);
    await step("a signed-in non-member: 403", () => expectViewer(objectKey, bearer(visitorToken), 403).then(() => "403"));
    await step("no token: 401", () => expectViewer(objectKey, {}, 401).then(() => "401"));
    await step("the bucket read directly, without CloudFront: 403", async () => {
      const response = await fetch(target.directS3Url(bucket, objectKey), { signal: AbortSignal.timeout(20_000) });
      await response.body?.cancel();
      if (response.status !== 403) throw new Error(`S3 answered ${String(response.status)}`);
      return response.status;
    }, String);

    await step(`no mutating AWS call for ${String(t.syncWindowMs / 1000)} s while in sync (securedcontent_aws_calls_total)`, async () => {
      const port = operator?.manager.healthPort ?? 0;
      const before = await awsCallCounts(port);
      log(`      watching the operator's metrics for ${String(t.syncWindowMs / 1000)} s ...`);
      await sleep(t.syncWindowMs);
      const after = await awsCallCounts(port);
      const writes = Object.entries(after.byOperation).filter(([op, n]) => mutating(op) && n > (before.byOperation[op] ?? 0)).map(([op, n]) => `${op} +${String(n - (before.byOperation[op] ?? 0))}`);
      if (writes.length > 0) throw new Error(`the operator wrote while in sync: ${writes.join(", ")}`);
      if (after.reads <= before.reads) throw new Error("the operator made no AWS call at all in the window: it did not resync");
      return after.reads - before.reads;
    }, (reads) => `0 mutating calls, ${String(reads)} reads`);

    await step("a requiredGroups change: the other group gets in, the member no longer", async () => {
      await kubectl(target.kube, ["patch", "-n", namespace, `scb/${resourceName}`, "--type=merge", "-p", JSON.stringify({ spec: { auth: { requiredGroups: ["visitors"] } } })]);
      const ready = await readyForGeneration();
      await expectViewer(objectKey, bearer(await signIn("visitor")), 200);
      await expectViewer(objectKey, bearer(await signIn("member")), 403);
      return (ready.status["edgeFunction"] as { version: string }).version;
    }, (version) => `edge function version ${version}`);

    await step("delete the SecuredContentBucket: the finalizer goes, the distribution, the response headers policy and the OAC with it", async () => {
      await kubectl(target.kube, ["delete", "-n", namespace, `scb/${resourceName}`, "--wait=false"]);
      await waitFor(async () => ((await scb()) === undefined ? true : undefined), { what: "the resource to be gone", timeoutMs: t.deleteTimeoutMs, intervalMs: target.kind === "aws" ? 10_000 : 200 });
      await expectGone(cloudFront.send(new GetDistributionCommand({ Id: made.distributionId })), "NoSuchDistribution");
      await expectGone(cloudFront.send(new GetOriginAccessControlCommand({ Id: made.oacId })), "NoSuchOriginAccessControl");
      await expectGone(cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: made.headersPolicyId })), "NoSuchResponseHeadersPolicy");
      delete made.distributionId;
      delete made.oacId;
      delete made.headersPolicyId;
      return "gone";
    });

    await step("the sweeper deletes the marked edge function once Lambda allows", async () => {
      if (operator === undefined) throw new Error("no operator");
      const sweeper = new EdgeFunctionSweeper({ aws: operator.aws, clusterName: prefix, log: pino({ level: "silent" }), backoff: { baseMs: 500, maxMs: 2_000, jitter: 0 } });
      const name = made.functionName ?? "";
      const first = await sweeper.sweepOnce();
      if (first.deleted.includes(name)) return "deleted at the first sweep";
      if (!first.deferred.some((d) => d.name === name)) throw new Error(`the sweeper neither deleted nor deferred ${name}`);
      if (!target.waitForSweep) {
        notes.push(
          `Edge function ${name} is marked securedcontent.io/pending-deletion and Lambda still refuses to delete it: CloudFront's replicas ` +
            "linger for hours after the distribution is deleted. The run does not wait; cleanup tries once more and lists it if still refused.",
        );
        return "refused while CloudFront's replicas linger (expected on AWS); left marked";
      }
      await waitFor(async () => ((await sweeper.sweepOnce()).deleted.includes(name) ? true : undefined), { what: `the sweeper to delete ${name}`, timeoutMs: 30_000, intervalMs: 500 });
      await expectGone(lambda.send(new GetFunctionCommand({ FunctionName: name })), "ResourceNotFoundException");
      delete made.functionName;
      return "refused while replicas lingered, then deleted";
    }, (s) => s);
  } catch (error) {
    failed = true;
    const detail = error instanceof Error ? error.message : String(error);
    steps.push({ name: "(between steps)", status: "failed", seconds: 0, detail });
    log(`FAIL  ${detail}`);
  }
  const report = await cleanup.run(log);
  for (const client of [s3, cloudFront, lambda, iam, cognito]) client.destroy();
  const cost = estimateCost({ ...usage, objectBytes: body.length, runSeconds: (Date.now() - started) / 1000, signedInUsers: 2 });
  return {
    target: target.kind,
    region: target.region,
    prefix,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    result: failed || steps.some((s) => s.status !== "passed") ? "failed" : "passed",
    steps,
    removed: report.removed,
    leftovers: report.leftovers,
    notes,
    cost,
  };
}

async function expectGone(call: Promise<unknown>, code: string): Promise<void> {
  const outcome = await call.then(() => "exists", (error: unknown) => (error instanceof Error ? error.name : String(error)));
  if (outcome !== code) throw new Error(`expected ${code}, got ${outcome}`);
}

/** Points the SDK's standard variables at the operator's keys (and the emulator), until restored. */
function useOperatorCredentials(target: Target, keys: { accessKeyId: string; secretAccessKey: string } | undefined): () => void {
  const names = ["AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  for (const name of names) Reflect.deleteProperty(process.env, name);
  process.env["AWS_REGION"] = target.region;
  process.env["AWS_ACCESS_KEY_ID"] = keys?.accessKeyId ?? "";
  process.env["AWS_SECRET_ACCESS_KEY"] = keys?.secretAccessKey ?? "";
  if (target.operatorEnv["AWS_ENDPOINT_URL"] !== undefined) process.env["AWS_ENDPOINT_URL"] = target.operatorEnv["AWS_ENDPOINT_URL"];
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
}

/** What the operator made and did not get to delete: the distribution (disabled first), the OAC, the headers policy, the function. */
async function removeOperatorLeftovers(context: {
  readonly target: Target;
  readonly cloudFront: CloudFrontClient;
  readonly lambda: LambdaClient;
  readonly made: Made;
  readonly log: (line: string) => void;
}): Promise<Leftover | undefined> {
  const { target, cloudFront, lambda, made, log } = context;
  if (made.distributionId !== undefined) {
    const id = made.distributionId;
    const current = await cloudFront.send(new GetDistributionConfigCommand({ Id: id })).catch(() => undefined);
    if (current?.DistributionConfig !== undefined) {
      log(`cleanup: disabling distribution ${id} (CloudFront takes minutes to deploy that)`);
      const updated = current.DistributionConfig.Enabled === true
        ? await cloudFront.send(new UpdateDistributionCommand({ Id: id, IfMatch: current.ETag, DistributionConfig: { ...current.DistributionConfig, Enabled: false } }))
        : current;
      const deployed = await waitFor(
        async () => ((await cloudFront.send(new GetDistributionCommand({ Id: id }))).Distribution?.Status === "Deployed" ? true : undefined),
        { what: `distribution ${id} to deploy`, timeoutMs: target.timings.deleteTimeoutMs, intervalMs: target.kind === "aws" ? 15_000 : 200 },
      ).catch(() => false);
      if (!deployed) return { what: `distribution ${id}`, instructions: "disabled but not yet deployed: delete it in the CloudFront console once its status is Deployed" };
      await cloudFront.send(new DeleteDistributionCommand({ Id: id, IfMatch: updated.ETag }));
    }
  }
  if (made.oacId !== undefined) {
    await cloudFront.send(new DeleteOriginAccessControlCommand({ Id: made.oacId, IfMatch: (await cloudFront.send(new GetOriginAccessControlCommand({ Id: made.oacId })).catch(() => undefined))?.ETag })).catch(() => undefined);
  }
  if (made.headersPolicyId !== undefined) {
    const id = made.headersPolicyId;
    const etag = (await cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: id })).catch(() => undefined))?.ETag;
    await cloudFront.send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: etag })).catch(() => undefined);
  }
  if (made.functionName !== undefined) {
    const name = made.functionName;
    const refused = await lambda.send(new DeleteFunctionCommand({ FunctionName: name })).then(() => undefined, (error: unknown) => (error instanceof Error && error.name !== "ResourceNotFoundException" ? error.message : undefined));
    if (refused !== undefined) {
      return {
        what: `Lambda@Edge function ${name} (us-east-1)`,
        instructions:
          `Lambda refuses while CloudFront's replicas linger (${refused}). It costs nothing while unused. Delete it in a few hours: ` +
          `aws lambda delete-function --region us-east-1 --function-name ${name}`,
      };
    }
  }
  return undefined;
}
