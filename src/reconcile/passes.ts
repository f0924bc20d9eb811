// Which pass a reconcile runs, as a pure function of the resource and what this process remembers of its last
// full pass. A full pass reads and corrects every concern; it costs a CloudFront read, a Lambda read and, after
// a spec change, packaging the edge function, so between full passes cheaper passes re-read only what can
// expose the bucket (and, while CloudFront deploys, the distribution).
//
// The memory is in this process on purpose (docs/adr/0009-pass-selection.md): a restart or a new leader starts
// with full passes, which is what should follow a time when nobody watched, and writing a timestamp to status
// on every full resync would cost a Kubernetes write per resource per interval with nothing else changed.
//
// Status is never the authority for an id: anyone with write access to the status subresource can put another
// distribution's id or ARN there. The cheaper passes take their ids from what the last full pass verified (the
// distribution by its caller reference, the OAC by its name, the function by its name and tags) and remembered
// here; when status disagrees with that memory, a full pass runs, reads AWS again and writes status back.
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
  /** The ids the full pass verified as this resource's own; the cheaper passes use these, never status. */
  readonly verified: VerifiedIds;
  /**
   * A digest of the spec the pass converged to. The spec can change without a new generation when the class's
   * defaults fill it (src/tenancy), so the generation alone does not say the pass is still current.
   */
  readonly specDigest?: string;
}

/** Ids a full pass found to be this resource's own, and put in status. */
export interface VerifiedIds {
  readonly distributionId?: string;
  readonly distributionArn?: string;
  readonly originAccessControlId?: string;
  /** The qualified ARN of the function version the distribution runs. */
  readonly viewerRequestFunctionArn?: string;
  readonly responseHeadersPolicyId?: string;
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

/** The ids a deploying pass needs, from the last full pass's verified ids (never from status). */
export interface DeployingInputs {
  readonly distributionId: string;
  readonly originAccessControlId: string;
  readonly viewerRequestFunctionArn: string;
  readonly responseHeadersPolicyId: string;
}

export type Pass =
  | { readonly kind: "full"; /** Status fields that disagree with what the last full pass verified. */ readonly untrusted?: readonly string[] }
  | { readonly kind: "exposure"; readonly distributionArn: string }
  | { readonly kind: "deploying"; readonly inputs: DeployingInputs; readonly exposureDue: boolean };

/**
 * Chooses the pass:
 *
 * | last full pass of this uid and generation, younger than FULL_RESYNC | status / verified ids                              | pass                                                       |
 * |---------------------------------------------------------------------|----------------------------------------------------|------------------------------------------------------------|
 * | none, or another uid or generation, or too old                      | any                                                | full                                                       |
 * | any                                                                 | status names ids other than the verified ones      | full (status is read again from AWS and reported)          |
 * | ended deploying                                                     | distribution, OAC, policy ids, version verified     | deploying; exposure re-read once half EXPOSURE_RESYNC passed since the last read |
 * | ended ready                                                         | Ready=True and the distribution ARN verified       | exposure                                                   |
 * | any other case                                                      |                                                    | full                                                       |
 *
 * Half the exposure interval keeps exposure read at least once per interval while requeues come at most that
 * often; reading it on every requeue would multiply the S3 reads of a deploying resource.
 */
export function choosePass(resource: SecuredContentBucket, last: FullPassRecord | undefined, timings: PassTimings): Pass {
  if (!isRecent(resource, last, timings)) return { kind: "full" };
  const untrusted = statusDisagreements(resource, last.verified);
  if (untrusted.length > 0) return { kind: "full", untrusted };
  return last.outcome === "deploying" ? deployingPass(last, timings) : exposurePass(resource, last);
}

/**
 * The status fields that name something other than what the last full pass verified: status written by
 * someone else since. An id the full pass did not verify (not reached yet) cannot disagree.
 */
export function statusDisagreements(resource: SecuredContentBucket, verified: VerifiedIds): string[] {
  const status = resource.status;
  const edge = status?.edgeFunction;
  const recorded: Record<keyof VerifiedIds, [string, string | undefined]> = {
    distributionId: ["status.distribution.id", status?.distribution?.id],
    distributionArn: ["status.distribution.arn", status?.distribution?.arn],
    originAccessControlId: ["status.originAccessControlId", status?.originAccessControlId],
    viewerRequestFunctionArn: ["status.edgeFunction", edge?.version === undefined ? undefined : `${edge.arn}:${edge.version}`],
    responseHeadersPolicyId: ["status.responseHeadersPolicyId", status?.responseHeadersPolicyId],
  };
  return (Object.keys(recorded) as (keyof VerifiedIds)[]).flatMap((key) => {
    const [field, value] = recorded[key];
    return verified[key] !== undefined && value !== verified[key] ? [field] : [];
  });
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

function deployingPass(last: FullPassRecord, timings: PassTimings): Pass {
  const { distributionId, originAccessControlId, viewerRequestFunctionArn, responseHeadersPolicyId } = last.verified;
  if (distributionId === undefined || originAccessControlId === undefined || viewerRequestFunctionArn === undefined || responseHeadersPolicyId === undefined) {
    return { kind: "full" };
  }
  return {
    kind: "deploying",
    inputs: { distributionId, originAccessControlId, viewerRequestFunctionArn, responseHeadersPolicyId },
    exposureDue: timings.now - last.exposureReadAt >= timings.exposureResyncMs / 2,
  };
}

function exposurePass(resource: SecuredContentBucket, last: FullPassRecord): Pass {
  const ready = isConditionTrue(resource.status?.conditions, conditionTypes.ready);
  const distributionArn = last.verified.distributionArn;
  return ready && distributionArn !== undefined ? { kind: "exposure", distributionArn } : { kind: "full" };
}

/** The last full pass of each resource, by key; a resource that is deleted or fails is forgotten. */
export class PassHistory {
  readonly #records = new Map<string, FullPassRecord>();

  get(resource: SecuredContentBucket): FullPassRecord | undefined {
    return this.#records.get(keyOf(resource));
  }

  recordFullPass(resource: SecuredContentBucket, outcome: FullPassRecord["outcome"] | undefined, now: number, verified: VerifiedIds = {}): void {
    if (outcome === undefined) {
      this.forget(resource);
      return;
    }
    const record = { uid: resource.metadata.uid, generation: resource.metadata.generation, at: now, outcome, exposureReadAt: now, verified, specDigest: specDigest(resource) };
    this.#records.set(keyOf(resource), record);
  }

  /**
   * After a deploying pass: whether the distribution is now deployed, whether exposure was read, and the
   * distribution it verified (a replacement has a new id and ARN).
   */
  recordDeployingPass(
    resource: SecuredContentBucket,
    deployed: boolean,
    exposureReadAt: number | undefined,
    distribution?: { readonly id: string; readonly arn: string },
  ): void {
    const last = this.get(resource);
    if (last === undefined) return;
    const verified = distribution === undefined ? last.verified : { ...last.verified, distributionId: distribution.id, distributionArn: distribution.arn };
    this.#records.set(keyOf(resource), { ...last, outcome: deployed ? "ready" : "deploying", exposureReadAt: exposureReadAt ?? last.exposureReadAt, verified });
  }

  forget(resource: SecuredContentBucket): void {
    this.#records.delete(keyOf(resource));
  }
}
