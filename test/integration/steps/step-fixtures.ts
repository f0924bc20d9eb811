// Shared setup for the step tests: AWS clients pointed at the emulator for the file's duration with every call
// recorded, a SecuredContentBucket built through the API parser, and a StepContext around it.
import { afterAll, beforeAll } from "vitest";
import { parseSecuredContentBucket, type SecuredContentBucket } from "../../../src/api/index.ts";
import { AwsClients, defaultRateLimits } from "../../../src/aws/clients.ts";
import { ownerOf, type OperatorSettings, type StepContext } from "../../../src/reconcile/common/context.ts";
import { NameIndex } from "../../../src/reconcile/common/name-index.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import { useEmulator } from "../reconcile/operator.ts";

export { isMutating } from "../reconcile/operator.ts";

export interface StepClients {
  readonly aws: AwsClients;
  /** Every AWS call made through `aws`, in order. */
  readonly calls: { operation: string; outcome: string }[];
  /** The same calls, operation names only. */
  readonly names: string[];
}

/** Registers the file's hooks: clients are ready in beforeAll and destroyed, with the environment restored, after. */
export function useStepClients(env: HarnessEnv): StepClients {
  const calls: { operation: string; outcome: string }[] = [];
  const names: string[] = [];
  let aws: AwsClients | undefined;
  let restore: (() => void) | undefined;
  beforeAll(() => {
    restore = useEmulator(env);
    aws = new AwsClients({
      defaultRegion: "us-east-1",
      rateLimits: defaultRateLimits,
      observer: {
        onCall: (_service, operation, outcome) => {
          calls.push({ operation, outcome });
          names.push(operation);
        },
      },
    });
  });
  afterAll(() => {
    aws?.destroy();
    restore?.();
  });
  return {
    calls,
    names,
    get aws(): AwsClients {
      if (aws === undefined) throw new Error("the step clients are created in beforeAll");
      return aws;
    },
  };
}

export const defaultStepSettings: OperatorSettings = {
  clusterName: "test",
  clusterUid: "9d0c5c8e-0000-4000-8000-00000000c1a5",
  edgeFunctionRoleArn: "arn:aws:iam::123456789012:role/edge",
  jwksUrlTemplate: "",
  allowInsecureJwksUrl: true,
  edgeRuntime: "nodejs22.x",
};

export interface StepResourceSpec {
  readonly auth?: { readonly userPoolId: string; readonly clientIds: readonly string[]; readonly requiredGroups: readonly string[] };
  readonly distribution?: Record<string, unknown>;
  readonly cors?: Record<string, unknown>;
  readonly uid?: string;
}

/** A parsed SecuredContentBucket in namespace learning, for bucket `<name>-content`. */
export function stepResource(name: string, spec: StepResourceSpec = {}): SecuredContentBucket {
  const parsed = parseSecuredContentBucket({
    metadata: { name, namespace: "learning", uid: spec.uid ?? `uid-${name}`, resourceVersion: "1", generation: 1 },
    spec: {
      bucket: { name: `${name}-content`, region: "us-east-1" },
      auth: spec.auth ?? { userPoolId: "us-east-1_AbCdEf123", clientIds: ["client1"], requiredGroups: ["students"] },
      ...(spec.distribution === undefined ? {} : { distribution: spec.distribution }),
      ...(spec.cors === undefined ? {} : { cors: spec.cors }),
    },
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export function stepContext(resource: SecuredContentBucket, aws: AwsClients, settings: OperatorSettings = defaultStepSettings): StepContext {
  // Consent waived, as under the harness's permissive class: the tenancy tests check consent through the operator.
  return { resource, owner: ownerOf(resource, settings), aws, settings, signal: AbortSignal.timeout(30_000), notices: [], ownerConsent: "Waived", originAccessControls: new NameIndex({ maxAgeMs: 60_000 }), fullSharedOriginAccessControls: new Set(), responseHeadersPolicies: new NameIndex({ maxAgeMs: 60_000 }), fullResponseHeadersPolicies: new Set() };
}
