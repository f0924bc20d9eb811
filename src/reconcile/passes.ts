// Which pass a reconcile runs, as a pure function of the resource and what this process remembers of its last
// full pass. A full pass reads and corrects every concern; it costs a CloudFront read, a Lambda read and, after
// a spec change, packaging the edge function, so between full passes cheaper passes re-read only what can
// expose the bucket (and, while CloudFront deploys, the distribution).
//
// The memory is in this process on purpose (docs/adr/0009-pass-selection.md): a restart or a new leader starts
// with full passes, which is what should follow a time when nobody watched, and writing a timestamp to status
// on every full resync would cost a Kubernetes write per resource per interval with nothing else changed.
import { createHash } from "node:crypto";
import { conditionTypes, type SecuredContentBucket } from "../api/index.ts";
import { isConditionTrue } from "../controller/conditions.ts";
import { keyOf } from "./common/context.ts";

/** What the last full pass of a resource found, remembered until the next full pass is due. */
export interface FullPassRecord {
  readonly uid: string;
  readonly generation: number;
  /** When it ran (ms since the epoch). */
  readonly at: number;
  /** Ready, or in sync except for a distribution still deploying. */
  readonly outcome: "ready" | "deploying";
  /** When the claim, Block Public Access and the bucket policy were last read. */
  readonly exposureReadAt: number;
  /**
   * A digest of the spec the pass converged to. The spec can change without a new generation when the class's
   * defaults fill it (src/tenancy), so the generation alone does not say the pass is still current.
   */
  readonly specDigest?: string;
}

/** A short digest of the effective spec. */
export function specDigest(resource: SecuredContentBucket): string {
  return createHash("sha256").update(JSON.stringify(resource.spec)).digest("base64url").slice(0, 22);
}

export interface PassTimings {
  readonly now: number;
  /** FULL_RESYNC_SECONDS, in ms. */
  readonly fullResyncMs: number;
  /** EXPOSURE_RESYNC_SECONDS, in ms. */
  readonly exposureResyncMs: number;
}

/** What the ids a deploying pass needs, taken from status (the full pass that recorded them found them ours). */
export interface DeployingInputs {
  readonly distributionId: string;
  readonly originAccessControlId: string;
  readonly viewerRequestFunctionArn: string;
}

export type Pass =
  | { readonly kind: "full" }
  | { readonly kind: "exposure"; readonly distributionArn: string }
  | { readonly kind: "deploying"; readonly inputs: DeployingInputs; readonly exposureDue: boolean };

/**
 * Chooses the pass:
 *
 * | last full pass of this uid and generation, younger than FULL_RESYNC | status                                          | pass                                                       |
 * |---------------------------------------------------------------------|-------------------------------------------------|------------------------------------------------------------|
 * | none, or another uid or generation, or too old                      | any                                             | full                                                       |
 * | ended deploying                                                     | distribution id, OAC id, function version known | deploying; exposure re-read once half EXPOSURE_RESYNC passed since the last read |
 * | ended ready                                                         | Ready=True and the distribution ARN known       | exposure                                                   |
 * | any other case                                                      |                                                 | full                                                       |
 *
 * Half the exposure interval keeps exposure read at least once per interval while requeues come at most that
 * often; reading it on every requeue would multiply the S3 reads of a deploying resource.
 */
export function choosePass(resource: SecuredContentBucket, last: FullPassRecord | undefined, timings: PassTimings): Pass {
  if (!isRecent(resource, last, timings)) return { kind: "full" };
  return last.outcome === "deploying" ? deployingPass(resource, last, timings) : exposurePass(resource);
}

/** A full pass of this very object and generation, young enough to build on. */
function isRecent(resource: SecuredContentBucket, last: FullPassRecord | undefined, timings: PassTimings): last is FullPassRecord {
  return (
    last !== undefined &&
    last.uid === resource.metadata.uid &&
    last.generation === resource.metadata.generation &&
    (last.specDigest === undefined || last.specDigest === specDigest(resource)) &&
    timings.now - last.at < timings.fullResyncMs
  );
}

function deployingPass(resource: SecuredContentBucket, last: FullPassRecord, timings: PassTimings): Pass {
  const status = resource.status;
  const distributionId = status?.distribution?.id;
  const originAccessControlId = status?.originAccessControlId;
  const edge = status?.edgeFunction;
  if (distributionId === undefined || originAccessControlId === undefined || edge?.version === undefined) return { kind: "full" };
  return {
    kind: "deploying",
    inputs: { distributionId, originAccessControlId, viewerRequestFunctionArn: `${edge.arn}:${edge.version}` },
    exposureDue: timings.now - last.exposureReadAt >= timings.exposureResyncMs / 2,
  };
}

function exposurePass(resource: SecuredContentBucket): Pass {
  const ready = isConditionTrue(resource.status?.conditions, conditionTypes.ready);
  const distributionArn = resource.status?.distribution?.arn;
  return ready && distributionArn !== undefined ? { kind: "exposure", distributionArn } : { kind: "full" };
}

/** The last full pass of each resource, by key; a resource that is deleted or fails is forgotten. */
export class PassHistory {
  readonly #records = new Map<string, FullPassRecord>();

  get(resource: SecuredContentBucket): FullPassRecord | undefined {
    return this.#records.get(keyOf(resource));
  }

  recordFullPass(resource: SecuredContentBucket, outcome: FullPassRecord["outcome"] | undefined, now: number): void {
    if (outcome === undefined) {
      this.forget(resource);
      return;
    }
    const record = { uid: resource.metadata.uid, generation: resource.metadata.generation, at: now, outcome, exposureReadAt: now, specDigest: specDigest(resource) };
    this.#records.set(keyOf(resource), record);
  }

  /** After a deploying pass: whether the distribution is now deployed, and whether exposure was read. */
  recordDeployingPass(resource: SecuredContentBucket, deployed: boolean, exposureReadAt: number | undefined): void {
    const last = this.get(resource);
    if (last === undefined) return;
    this.#records.set(keyOf(resource), { ...last, outcome: deployed ? "ready" : "deploying", exposureReadAt: exposureReadAt ?? last.exposureReadAt });
  }

  forget(resource: SecuredContentBucket): void {
    this.#records.delete(keyOf(resource));
  }
}
