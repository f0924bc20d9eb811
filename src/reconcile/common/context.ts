// What every AWS concern receives, and what it gives back. A concern observes AWS, works out the desired state
// with a pure function, compares, and acts only on a difference; it reports one condition and records each
// change it made as a Notice, which the reconciler turns into Events (on transitions only) and metrics.
import type { OwnerConsent, SecuredContentBucket } from "../../api/index.ts";
import type { AwsClients } from "../../aws/clients.ts";
import type { ConditionUpdate } from "../../controller/conditions.ts";
import type { NameIndex } from "./name-index.ts";
import type { OwnerIdentity } from "./naming.ts";

export interface OperatorSettings {
  /** CLUSTER_NAME: readable in tags and names. */
  readonly clusterName: string;
  /** The kube-system namespace's uid, read at start: what makes ownership unique among clusters of one name. */
  readonly clusterUid: string;
  /** The pre-created execution role of edge functions; the operator never creates IAM roles. */
  readonly edgeFunctionRoleArn: string;
  /** `{region}` and `{userPoolId}` are filled in; tests point it at the emulator. */
  readonly jwksUrlTemplate: string;
  /** Development only: the JWKS may come from another URL than Cognito's (plain http, an emulator on loopback). */
  readonly allowInsecureJwksUrl: boolean;
  /** Lambda runtime of edge functions, nodejs22.x or newer. */
  readonly edgeRuntime: string;
  /**
   * The handler bundle built at image build time; without it the bundle is built with esbuild on first use
   * (development and tests).
   */
  readonly prebuiltEdgeBundle?: () => Promise<Uint8Array>;
}

/**
 * What a change was, which decides the Event it ends up in: `created` and `changed` make one Normal Event per
 * reconcile (Created, or Updated naming what changed), `drift` one Warning DriftCorrected, `deleted` one Normal
 * Deleting or Deleted, and `warning` a Warning of its own reason (something the operator refused to do).
 */
export type NoticeKind = "created" | "changed" | "drift" | "deleted" | "warning";

export interface Notice {
  readonly kind: NoticeKind;
  /** What happened, in CamelCase: the reason the notice would have as an Event of its own. */
  readonly reason: string;
  readonly message: string;
  /** Set when the notice reports a correction of drift, naming what drifted (counted in a metric). */
  readonly drift?: string;
}

export interface StepContext {
  readonly resource: SecuredContentBucket;
  readonly owner: OwnerIdentity;
  readonly aws: AwsClients;
  readonly settings: OperatorSettings;
  readonly signal: AbortSignal;
  /** Changes made so far in this reconcile; the reconciler records them as Events. */
  readonly notices: Notice[];
  /** Origin access control ids by name, shared by reconciles. */
  readonly originAccessControls: NameIndex;
  /** The numbers of the cluster's shared origin access controls CloudFront said are full, in this process. */
  readonly fullSharedOriginAccessControls: Set<number>;
  /** Response headers policy ids by name, shared by reconciles. */
  readonly responseHeadersPolicies: NameIndex;
  /** The names of the cluster's shared response headers policies CloudFront said are full, in this process. */
  readonly fullResponseHeadersPolicies: Set<string>;
  /** Whether the resource's class requires the bucket owners' consent tag (bucket/consent.ts); Required when unset. */
  readonly ownerConsent?: OwnerConsent;
}

export interface StepOutcome<T> {
  readonly condition: ConditionUpdate;
  readonly value: T;
}

/** A condition that says the concern's part of AWS matches the spec. */
export function inSync(type: string, message: string, generation: number): ConditionUpdate {
  return { type, status: "True", reason: "InSync", message, observedGeneration: generation };
}

/** A condition that says the concern is waiting for AWS to finish something. */
export function waitingOn(type: string, reason: string, message: string, generation: number): ConditionUpdate {
  return { type, status: "False", reason, message, observedGeneration: generation };
}

export function ownerOf(resource: SecuredContentBucket, settings: Pick<OperatorSettings, "clusterName" | "clusterUid">): OwnerIdentity {
  const { namespace, name, uid } = resource.metadata;
  return { cluster: settings.clusterName, clusterUid: settings.clusterUid, namespace, name, uid };
}

/** `namespace/name`: the work-queue key, and the key of per-resource memory. */
export function keyOf(resource: { readonly metadata: { readonly namespace?: string | undefined; readonly name: string } }): string {
  return `${resource.metadata.namespace ?? ""}/${resource.metadata.name}`;
}
