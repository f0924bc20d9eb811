// Where a conformance run happens: a real AWS account, or the harness's emulator (moto with IAM enforced and
// the edge emulator standing in for CloudFront's HTTPS). Everything else in the run is the same code.
import { IAMClient } from "@aws-sdk/client-iam";
import type { AwsCredentialIdentity } from "@smithy/types";
import { startEdgeEmulator } from "../edge-emulator/server.ts";
import { awsClientConfig, emulatorJwksUrlTemplate, type HarnessEnv } from "../harness/env.ts";
import { setIamEnforcement, setMotoTransition, unsetMotoTransition } from "../harness/moto.ts";

export interface AdminClientConfig {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity;
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly maxAttempts?: number;
}

export interface Timings {
  readonly exposureResyncMs: number;
  readonly fullResyncMs: number;
  readonly deployingRequeueMs: number;
  /** Until the resource is Ready (CloudFront deploys in minutes). */
  readonly readyTimeoutMs: number;
  /** Until a deleted resource is gone (disable, deploy, delete). */
  readonly deleteTimeoutMs: number;
  /** How long the operator must make no mutating call for a resource in sync. */
  readonly syncWindowMs: number;
  /** How long viewer requests may take to show the expected answer (DNS, replication of a new version). */
  readonly viewerSettleMs: number;
  /** A pause after creating IAM identities, which AWS makes usable only after a few seconds. */
  readonly iamPropagationMs: number;
}

export interface Viewer {
  /** Where `https://<distribution domain>/` is answered. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface Target {
  readonly kind: "aws" | "emulator";
  readonly region: "us-east-1";
  /** The Kubernetes control plane the operator runs against (the harness's, in both cases). */
  readonly kube: HarnessEnv;
  readonly admin: AdminClientConfig;
  /** Operator settings beyond its credentials (endpoint and JWKS URL on the emulator). */
  readonly operatorEnv: Readonly<Record<string, string>>;
  readonly timings: Timings;
  /** Waits for the sweeper to delete the function (emulator), or reports it left marked (AWS: hours). */
  readonly waitForSweep: boolean;
  viewer(distributionId: string, domainName: string): Promise<Viewer>;
  directS3Url(bucket: string, key: string): string;
  prepare(): Promise<void>;
  finish(): Promise<void>;
}

/** The account of the credentials the SDK finds (environment, profile, SSO, ...), resolved once, in us-east-1. */
export async function awsTarget(kube: HarnessEnv): Promise<Target> {
  const probe = new IAMClient({ region: "us-east-1" });
  const credentials = await probe.config.credentials();
  probe.destroy();
  return {
    kind: "aws",
    region: "us-east-1",
    kube,
    admin: { region: "us-east-1", credentials, maxAttempts: 5 },
    operatorEnv: {},
    timings: {
      exposureResyncMs: 60_000,
      fullResyncMs: 300_000,
      deployingRequeueMs: 15_000,
      readyTimeoutMs: 40 * 60_000,
      deleteTimeoutMs: 40 * 60_000,
      syncWindowMs: 10 * 60_000,
      viewerSettleMs: 10 * 60_000,
      iamPropagationMs: 15_000,
    },
    waitForSweep: false,
    viewer: (_id, domainName) => Promise.resolve({ url: `https://${domainName}`, stop: () => Promise.resolve() }),
    directS3Url: (bucket, key) => `https://${bucket}.s3.us-east-1.amazonaws.com/${key}`,
    prepare: () => Promise.resolve(),
    finish: () => Promise.resolve(),
  };
}

const replicaModel = "lambda::edge-replica";

/** The harness's moto, with IAM enforced for the operator's user, and the edge emulator in front. */
export function emulatorTarget(env: HarnessEnv, overrides: Partial<Timings> = {}): Target {
  const root = awsClientConfig(env);
  return {
    kind: "emulator",
    region: "us-east-1",
    kube: env,
    admin: { ...root, region: "us-east-1" },
    operatorEnv: { AWS_ENDPOINT_URL: env.awsEndpoint, AWS_S3_FORCE_PATH_STYLE: "true", COGNITO_JWKS_URL_TEMPLATE: emulatorJwksUrlTemplate(env), ALLOW_INSECURE_JWKS_URL: "true" },
    timings: {
      exposureResyncMs: 1_000,
      fullResyncMs: 2_500,
      deployingRequeueMs: 300,
      readyTimeoutMs: 60_000,
      deleteTimeoutMs: 60_000,
      syncWindowMs: 6_000,
      viewerSettleMs: 10_000,
      iamPropagationMs: 0,
      ...overrides,
    },
    waitForSweep: true,
    viewer: async (distributionId) => {
      const emulator = await startEdgeEmulator({ env, distributionId });
      return { url: emulator.url, stop: () => emulator.stop() };
    },
    directS3Url: (bucket, key) => `${env.awsEndpoint}/${bucket}/${key}`,
    prepare: async () => {
      await setIamEnforcement(env.awsEndpoint, true);
      await setMotoTransition(env.awsEndpoint, replicaModel, { progression: "time", seconds: 2 });
    },
    finish: async () => {
      await unsetMotoTransition(env.awsEndpoint, replicaModel);
      await setIamEnforcement(env.awsEndpoint, false);
    },
  };
}
