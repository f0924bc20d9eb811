// AWS failures as data: every SDK error is converted once, by the client middleware, into an AwsError that
// carries the service, the operation, AWS's own error code and message, and the IAM action. One table decides
// whether it is permanent or temporary; call sites only catch the categories they handle (NotFound, Conflict, ...).
import { OperatorError } from "../errors.ts";
import { iamActionsFor } from "./iam-actions.ts";

/** What kind of failure it is, for call sites that handle some (a missing resource is often not a failure). */
export type AwsErrorCode = "AccessDenied" | "NotFound" | "PreconditionFailed" | "Conflict" | "Throttled" | "InvalidRequest" | "Transient";

export interface AwsErrorFields {
  readonly service: string;
  readonly operation: string;
  /** The error name AWS returned, such as NoSuchBucket or DistributionNotDisabled. */
  readonly awsCode: string;
  readonly awsMessage: string;
  readonly httpStatus: number | undefined;
  /** S3's `x-amz-bucket-region` header, which a redirect to the bucket's own region carries. */
  readonly bucketRegion?: string | undefined;
}

export class AwsError extends OperatorError {
  readonly code: AwsErrorCode;
  readonly permanent: boolean;
  readonly service: string;
  readonly operation: string;
  readonly awsCode: string;
  readonly awsMessage: string;
  readonly httpStatus: number | undefined;
  /** The IAM action the operation needs (the first, where it needs several). */
  readonly iamAction: string;
  readonly bucketRegion: string | undefined;

  constructor(fields: AwsErrorFields, options?: ErrorOptions) {
    const onBehalf = checkedOnCallersBehalf(fields.awsMessage);
    const code = onBehalf === undefined ? classifyAwsCode(fields.awsCode, fields.httpStatus) : "AccessDenied";
    const iamAction = onBehalf ?? iamActionsFor(fields.service, fields.operation).join(" and ");
    const disposition = dispositionOf(code, fields.awsCode);
    const failed = `${fields.service}:${fields.operation} failed with ${fields.awsCode}: ${fields.awsMessage}`;
    const message =
      onBehalf !== undefined
        ? `access denied for ${onBehalf}, which ${fields.service} checks on the caller's behalf for ${fields.operation}: ${fields.awsMessage}`
        : code === "AccessDenied" && disposition.permanent
          ? `access denied for ${iamAction}: ${fields.awsMessage}`
          : disposition.reason === "QuotaExceeded"
            ? `${failed}. This is an account quota: request an increase in Service Quotas, or remove what the account no longer needs`
            : failed;
    super({ reason: disposition.reason, message }, options);
    this.code = code;
    this.permanent = disposition.permanent;
    this.service = fields.service;
    this.operation = fields.operation;
    this.awsCode = fields.awsCode;
    this.awsMessage = fields.awsMessage;
    this.httpStatus = fields.httpStatus;
    this.iamAction = iamAction;
    this.bucketRegion = fields.bucketRegion;
  }
}

const throttlingCodes = new Set(["Throttling", "ThrottlingException", "TooManyRequestsException", "SlowDown", "RequestLimitExceeded", "RequestThrottled", "TooManyRequests"]);
const accessDeniedCodes = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "InvalidClientTokenId", "ExpiredToken", "SignatureDoesNotMatch"]);
const notFoundPattern = /^(NoSuch|ResourceNotFound|NotFound)/;

export function classifyAwsCode(awsCode: string, httpStatus: number | undefined): AwsErrorCode {
  if (throttlingCodes.has(awsCode) || httpStatus === 429) return "Throttled";
  if (accessDeniedCodes.has(awsCode) || httpStatus === 403) return "AccessDenied";
  if (awsCode === "PreconditionFailed" || httpStatus === 412) return "PreconditionFailed";
  if (notFoundPattern.test(awsCode) || httpStatus === 404) return "NotFound";
  if (httpStatus === 409) return "Conflict";
  if (httpStatus !== undefined && httpStatus >= 500) return "Transient";
  if (httpStatus === undefined) return "Transient"; // no response at all: network trouble
  return "InvalidRequest";
}

/**
 * Refusals that clear up by themselves: credentials that expired or a clock that drifted (the SDK refreshes
 * both), and a stale ETag or an operation already in flight on the other side.
 */
const temporaryCodes = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
  "RequestTimeTooSkewed",
  "SignatureDoesNotMatch",
  "InvalidSignatureException",
  "RequestTimeout",
  "InvalidIfMatchVersion",
  "OperationAborted",
]);

/** An account quota was reached: AWS names them TooMany... (TooManyRequests is throttling, decided earlier). */
function isQuota(awsCode: string): boolean {
  return (awsCode.startsWith("TooMany") && !awsCode.startsWith("TooManyRequests")) || awsCode === "CodeStorageExceededException";
}

/**
 * CloudFront checks some permissions of its caller itself while it creates or updates a distribution: the
 * Lambda@Edge version it replicates, the service-linked roles, the web ACL, the log bucket's ACL ("Set up IAM
 * permissions and roles for Lambda@Edge", CloudFront Developer Guide, and the refusals recorded in issue
 * trackers). Its refusal names the action in words, under codes such as InvalidLambdaFunctionAssociation;
 * this finds the IAM action it means, so the refusal reads as the missing permission it is.
 */
const onBehalfRefusals: readonly { readonly pattern: RegExp; readonly action: (match: RegExpExecArray) => string }[] = [
  { pattern: /Update the IAM policy to add permission:\s*([a-z0-9-]+:[A-Za-z*]+)/, action: (match) => match[1] ?? "" },
  { pattern: /not authorized to create or assume a service linked role/i, action: () => "iam:CreateServiceLinkedRole" },
  { pattern: /you need s3:GetBucketAcl and s3:PutBucketAcl permissions/i, action: () => "s3:GetBucketAcl and s3:PutBucketAcl" },
  { pattern: /Web ACL is not accessible by the requester|Unable to verify read permissions on Web ACL/i, action: () => "wafv2:GetWebACL" },
];

/** The IAM action a refusal made on the caller's behalf names, if it is one. */
export function checkedOnCallersBehalf(awsMessage: string): string | undefined {
  for (const refusal of onBehalfRefusals) {
    const match = refusal.pattern.exec(awsMessage);
    if (match !== null) return refusal.action(match);
  }
  return undefined;
}

/** Conflicts that a human must resolve: someone else holds the name. */
const permanentConflicts = new Set(["CNAMEAlreadyExists"]);

/**
 * Permanent: access denied (the policy must change), and requests AWS refuses as invalid or over a quota (the
 * spec or the account must change). Temporary: throttling, server trouble, stale reads, concurrent changes,
 * something that vanished mid-way, and the refusals above that clear up by themselves.
 */
function dispositionOf(code: AwsErrorCode, awsCode: string): { permanent: boolean; reason: string } {
  if (temporaryCodes.has(awsCode)) return { permanent: false, reason: awsCode };
  if (code === "InvalidRequest" && isQuota(awsCode)) return { permanent: true, reason: "QuotaExceeded" };
  switch (code) {
    case "AccessDenied":
      return { permanent: true, reason: "AccessDenied" };
    case "InvalidRequest":
      return { permanent: true, reason: awsCode };
    case "Conflict":
      return { permanent: permanentConflicts.has(awsCode), reason: awsCode };
    default:
      return { permanent: false, reason: code };
  }
}

interface SdkErrorShape {
  readonly name?: unknown;
  readonly Code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly headers?: Readonly<Record<string, string | undefined>> };
}

/** Converts whatever the SDK threw into an AwsError; an AwsError passes through unchanged. */
export function toAwsError(error: unknown, service: string, operation: string): AwsError {
  if (error instanceof AwsError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const awsCode = typeof shape.name === "string" && shape.name !== "Error" ? shape.name : typeof shape.Code === "string" ? shape.Code : "Unknown";
  const httpStatus = shape.$metadata?.httpStatusCode;
  const awsMessage = typeof shape.message === "string" ? shape.message : String(error);
  const bucketRegion = shape.$response?.headers?.["x-amz-bucket-region"];
  return new AwsError({ service, operation, awsCode, awsMessage, httpStatus, bucketRegion }, { cause: error });
}

export function isAwsError(error: unknown, code: AwsErrorCode): error is AwsError {
  return error instanceof AwsError && error.code === code;
}

/** An AwsError with this exact AWS code (NoSuchBucketPolicy, DistributionAlreadyExists, ...). */
export function hasAwsCode(error: unknown, ...awsCodes: readonly string[]): error is AwsError {
  return error instanceof AwsError && awsCodes.includes(error.awsCode);
}
