// What every AWS reconcile step receives, and what it gives back. A step observes AWS, works out the desired
// state with a pure function, compares, and acts only on a difference; it reports one condition and records
// each correction it made as a Notice (an Event and a metric).
import type { SecuredContentBucket } from "../../api/index.ts";
import type { AwsClients } from "../../aws/clients.ts";
import type { ConditionUpdate } from "../../controller/conditions.ts";
import type { Notice } from "../convergence.ts";
import type { NameIndex } from "../name-index.ts";
import type { OwnerIdentity } from "../naming.ts";

export interface OperatorSettings {
  readonly clusterName: string;
  /** The pre-created execution role of edge functions; the operator never creates IAM roles. */
  readonly edgeFunctionRoleArn: string;
  /** `{region}` and `{userPoolId}` are filled in; tests point it at the emulator. */
  readonly jwksUrlTemplate: string;
  /** Lambda runtime of edge functions, nodejs22.x or newer. */
  readonly edgeRuntime: string;
  /**
   * The handler bundle built at image build time; without it the bundle is built with esbuild on first use
   * (development and tests).
   */
  readonly prebuiltEdgeBundle?: () => Promise<Uint8Array>;
}

export interface StepContext {
  readonly resource: SecuredContentBucket;
  readonly owner: OwnerIdentity;
  readonly aws: AwsClients;
  readonly settings: OperatorSettings;
  readonly signal: AbortSignal;
  /** Corrections and notable changes; the reconciler records each as an Event. */
  readonly notices: Notice[];
  /** Origin access control ids by name, shared by reconciles; without it, a lookup lists every OAC. */
  readonly originAccessControls?: NameIndex;
}

export interface StepOutcome<T> {
  readonly condition: ConditionUpdate;
  readonly value: T;
}

/** A condition that says the step's part of AWS matches the spec. */
export function inSync(type: string, message: string, generation: number): ConditionUpdate {
  return { type, status: "True", reason: "InSync", message, observedGeneration: generation };
}

export function ownerOf(resource: SecuredContentBucket, clusterName: string): OwnerIdentity {
  return { cluster: clusterName, namespace: resource.metadata.namespace, name: resource.metadata.name, uid: resource.metadata.uid };
}
