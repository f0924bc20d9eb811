// The floor: the least AWS work that makes N buckets private behind CloudFront, issued straight at the same
// emulator with the operator's concurrency (resources in flight) and the same client-side rate limits. For each
// resource, in the order of the operator's reconcile steps, with nothing looked up that the request does not need:
//
//   GetBucketTagging, PutBucketTagging        the claim tag, keeping the bucket's other tags
//   PutPublicAccessBlock                      all four settings on
//   CreateFunction (Publish: true, Tags)      the edge function and its first numbered version, in one call
//   CreateDistributionWithTags                OAC, viewer-request association, ownership tags, in one call
//   GetDistribution                           until Deployed (the emulator deploys after --deploy-after-reads)
//   GetBucketPolicy, PutBucketPolicy          our statement in, the public one out, others kept
//
// plus, once for the whole round, the pool's JWKS, the edge package (every resource here shares one pool, so
// one package serves all), the cluster's shared origin access control (s3 / sigv4 / always; one serves up to
// 100 distributions, as many as a round here has) and the shared response headers policy (every resource here
// has the same CORS settings, so one policy serves all, as with the OAC). Everything else the operator does (existence checks before creating, the claim's
// confirming read, reads of a second pass, Kubernetes status, Events, the ConfigMap) is its own cost.
import { CloudFrontClient, CreateDistributionWithTagsCommand, CreateOriginAccessControlCommand, CreateResponseHeadersPolicyCommand, GetDistributionCommand } from "@aws-sdk/client-cloudfront";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { packageEdgeFunction, type EdgePackage } from "../../edge-auth/package/package-edge-function.ts";
import { parseSecuredContentBucket, type SecuredContentBucket } from "../../src/api/index.ts";
import type { AwsService } from "../../src/aws/clients.ts";
import { TokenBucket, type TokenBucketOptions } from "../../src/aws/rate-limiter.ts";
import { desiredBucketPolicy, parsePolicy } from "../../src/reconcile/bucket/policy-document.ts";
import { desiredDistributionConfig, distributionInputs } from "../../src/reconcile/distribution/desired.ts";
import { desiredEdgeConfig } from "../../src/reconcile/edge-function/config.ts";
import { fetchJwks, jwksUrl } from "../../src/reconcile/edge-function/jwks.ts";
import { edgeFunctionName, ownerKey, ownershipTags, policyStatementId, tagKeys, type OwnerIdentity } from "../../src/reconcile/common/naming.ts";
import { desiredFunctionSettings } from "../../src/reconcile/edge-function/desired.ts";
import { sharedOriginAccessControl } from "../../src/reconcile/origin-access-control/desired.ts";
import { sharedResponseHeadersPolicy } from "../../src/reconcile/response-headers-policy/desired.ts";
import { emulatorCredentials, type HarnessEnv } from "../../test/harness/env.ts";
import { forEachLimited } from "./limited.ts";
import { securedContentBucketManifest } from "./manifests.ts";
import type { Seeded } from "./seed.ts";

export interface FloorResult {
  readonly seconds: number;
  /** Calls by operation, over the whole round. */
  readonly calls: Map<string, number>;
}

export interface FloorOptions {
  readonly env: HarnessEnv;
  readonly seeded: Seeded;
  readonly namespace: string;
  readonly concurrency: number;
  readonly rateLimits: Readonly<Record<AwsService, TokenBucketOptions>>;
  readonly clusterName: string;
  readonly jwksUrlTemplate: string;
  readonly edgeBundle: Uint8Array;
}

interface Clients {
  readonly s3: S3Client;
  readonly cloudFront: CloudFrontClient;
  readonly lambda: LambdaClient;
  /** Waits for the service's token and counts the call. */
  call<T>(service: AwsService, operation: string, send: () => Promise<T>): Promise<T>;
}

function clients(options: FloorOptions, calls: Map<string, number>): Clients & { destroy(): void } {
  // Retries as the operator's clients do: moto's threaded server now and then answers 500 to concurrent
  // creates (its backends are not thread-safe), which a retry gets past.
  const common = { endpoint: options.env.awsEndpoint, region: "us-east-1", credentials: emulatorCredentials, maxAttempts: 4 };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const cloudFront = new CloudFrontClient(common);
  const lambda = new LambdaClient(common);
  const buckets = {
    s3: new TokenBucket(options.rateLimits.s3),
    cloudfront: new TokenBucket(options.rateLimits.cloudfront),
    lambda: new TokenBucket(options.rateLimits.lambda),
  };
  return {
    s3,
    cloudFront,
    lambda,
    call: async (service, operation, send) => {
      await buckets[service].acquire();
      calls.set(operation, (calls.get(operation) ?? 0) + 1);
      return send();
    },
    destroy: () => {
      s3.destroy();
      cloudFront.destroy();
      lambda.destroy();
    },
  };
}

function resourceFor(options: FloorOptions, bucket: string): SecuredContentBucket {
  const manifest = securedContentBucketManifest({ namespace: options.namespace, bucket, ...options.seeded });
  const metadata = { ...(manifest["metadata"] as object), uid: randomUUID(), resourceVersion: "1", generation: 1 };
  const parsed = parseSecuredContentBucket({ ...manifest, metadata });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const deployedPolls = 100;
/** The floor does the operator's work without a cluster: any fixed uid makes the same names and tags. */
const floorClusterUid = "00000000-0000-4000-8000-00000000f100";

async function secureOne(c: Clients, options: FloorOptions, shared: { edgePackage: EdgePackage; oacId: string; headersPolicyId: string }, bucket: string): Promise<void> {
  const { edgePackage } = shared;
  const resource = resourceFor(options, bucket);
  const owner: OwnerIdentity = { cluster: options.clusterName, clusterUid: floorClusterUid, namespace: resource.metadata.namespace, name: resource.metadata.name, uid: resource.metadata.uid };
  const tags = await c.call("s3", "GetBucketTagging", () =>
    c.s3.send(new GetBucketTaggingCommand({ Bucket: bucket })).then((r) => r.TagSet ?? [], (error: unknown) => {
      if (error instanceof Error && error.name === "NoSuchTagSet") return [];
      throw error;
    }),
  );
  const claimed = [...tags.filter((t) => t.Key !== tagKeys.owner), { Key: tagKeys.owner, Value: ownerKey(owner) }];
  await c.call("s3", "PutBucketTagging", () => c.s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: claimed } })));
  const allOn = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
  await c.call("s3", "PutPublicAccessBlock", () => c.s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: allOn })));
  const settings = desiredFunctionSettings({ edgeFunctionRoleArn: options.seeded.edgeRoleArn, edgeRuntime: "nodejs22.x" });
  const created = await c.call("lambda", "CreateFunction", () =>
    c.lambda.send(new CreateFunctionCommand({ FunctionName: edgeFunctionName(owner), ...settings, Code: { ZipFile: edgePackage.zip }, Publish: true, Tags: ownershipTags(owner) })),
  );
  const versionArn = `${(created.FunctionArn ?? "").replace(/:\d+$/, "")}:${created.Version ?? ""}`;
  const inputs = distributionInputs(resource, { originAccessControlId: shared.oacId, viewerRequestFunctionArn: versionArn, responseHeadersPolicyId: shared.headersPolicyId });
  const tagItems = Object.entries(ownershipTags(owner)).map(([Key, Value]) => ({ Key, Value }));
  const distribution = await c.call("cloudfront", "CreateDistributionWithTags", () =>
    c.cloudFront.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: desiredDistributionConfig(inputs), Tags: { Items: tagItems } } })),
  );
  const id = distribution.Distribution?.Id ?? "";
  const arn = distribution.Distribution?.ARN ?? "";
  await waitDeployed(c, id);
  const current = await c.call("s3", "GetBucketPolicy", () => c.s3.send(new GetBucketPolicyCommand({ Bucket: bucket })));
  const { policy } = desiredBucketPolicy(current.Policy === undefined ? undefined : parsePolicy(current.Policy), { sid: policyStatementId(owner), bucket, distributionArn: arn });
  await c.call("s3", "PutBucketPolicy", () => c.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) })));
}

async function waitDeployed(c: Clients, id: string): Promise<void> {
  for (let poll = 0; poll < deployedPolls; poll += 1) {
    const read = await c.call("cloudfront", "GetDistribution", () => c.cloudFront.send(new GetDistributionCommand({ Id: id })));
    if (read.Distribution?.Status === "Deployed") return;
    await sleep(50);
  }
  throw new Error(`distribution ${id} was not Deployed after ${deployedPolls} reads`);
}

/** Runs the minimal sequence for every seeded bucket and times it, from the first call to the last answer. */
export async function runFloor(options: FloorOptions): Promise<FloorResult> {
  const calls = new Map<string, number>();
  const c = clients(options, calls);
  try {
    const started = performance.now();
    const url = jwksUrl(options.jwksUrlTemplate, options.seeded.userPoolId);
    const jwks = await fetchJwks(url);
    calls.set("(JWKS fetch)", 1);
    const sample = resourceFor(options, options.seeded.buckets[0] ?? "");
    // moto's JWKS is plain http on loopback, as the operator is allowed in the bench (ALLOW_INSECURE_JWKS_URL).
    const pin = { allowInsecureJwksUri: true };
    const edgePackage = await packageEdgeFunction(desiredEdgeConfig(sample, jwks, url, pin), { ...pin, bundle: options.edgeBundle });
    const oac = await c.call("cloudfront", "CreateOriginAccessControl", () =>
      c.cloudFront.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: sharedOriginAccessControl({ cluster: options.clusterName, clusterUid: floorClusterUid }, 1) })),
    );
    const sampleOwner = { cluster: options.clusterName, clusterUid: floorClusterUid, namespace: sample.metadata.namespace, name: sample.metadata.name, uid: sample.metadata.uid };
    const headers = await c.call("cloudfront", "CreateResponseHeadersPolicy", () =>
      c.cloudFront.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: sharedResponseHeadersPolicy(sampleOwner, sample.spec.cors, 1) })),
    );
    const shared = { edgePackage, oacId: oac.OriginAccessControl?.Id ?? "", headersPolicyId: headers.ResponseHeadersPolicy?.Id ?? "" };
    await forEachLimited(options.seeded.buckets, options.concurrency, (bucket) => secureOne(c, options, shared, bucket));
    return { seconds: (performance.now() - started) / 1000, calls };
  } finally {
    c.destroy();
  }
}
