// AWS failures as data: one class with a code to switch on, mapped from the SDK's many error shapes.
// The codes line up with the condition reasons the reconcilers report and with retry-or-stop.

export type AwsErrorCode =
  | "AccessDenied"
  | "NotFound"
  | "PreconditionFailed"
  | "Conflict"
  | "Throttled"
  | "InvalidRequest"
  | "Transient";

export class AwsError extends Error {
  readonly code: AwsErrorCode;
  readonly service: string;
  readonly operation: string;
  /** The error name AWS returned, e.g. NoSuchBucket or DistributionNotDisabled. */
  readonly awsCode: string;
  readonly httpStatus: number | undefined;

  constructor(fields: { code: AwsErrorCode; service: string; operation: string; awsCode: string; httpStatus: number | undefined; message: string }, options?: ErrorOptions) {
    super(`${fields.service}:${fields.operation} failed with ${fields.awsCode}: ${fields.message}`, options);
    this.name = "AwsError";
    this.code = fields.code;
    this.service = fields.service;
    this.operation = fields.operation;
    this.awsCode = fields.awsCode;
    this.httpStatus = fields.httpStatus;
  }

  /** Throttling and server-side trouble are worth retrying; the rest needs a change first. */
  get retryable(): boolean {
    return this.code === "Throttled" || this.code === "Transient" || this.code === "PreconditionFailed";
  }
}

const throttlingCodes = new Set(["Throttling", "ThrottlingException", "TooManyRequestsException", "SlowDown", "RequestLimitExceeded", "RequestThrottled", "TooManyRequests"]);
const accessDeniedCodes = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "InvalidClientTokenId", "ExpiredToken", "SignatureDoesNotMatch"]);
const notFoundPattern = /^(NoSuch|ResourceNotFound|NotFound)/;

interface SdkErrorShape {
  readonly name?: unknown;
  readonly Code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

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

/** Wraps whatever the SDK threw into an AwsError; an AwsError passes through unchanged. */
export function toAwsError(error: unknown, service: string, operation: string): AwsError {
  if (error instanceof AwsError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const awsCode = typeof shape.name === "string" && shape.name !== "Error" ? shape.name : typeof shape.Code === "string" ? shape.Code : "Unknown";
  const httpStatus = shape.$metadata?.httpStatusCode;
  const message = typeof shape.message === "string" ? shape.message : String(error);
  return new AwsError({ code: classifyAwsCode(awsCode, httpStatus), service, operation, awsCode, httpStatus, message }, { cause: error });
}

export function isAwsError(error: unknown, code: AwsErrorCode): error is AwsError {
  return error instanceof AwsError && error.code === code;
}
