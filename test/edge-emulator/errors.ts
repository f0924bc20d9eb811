// The edge emulator's failures, as data: each code maps to the status CloudFront would answer with.

export type EdgeEmulatorErrorCode =
  /** The distribution does not exist (never did, or was deleted). */
  | "NoSuchDistribution"
  /** The distribution uses something the emulator does not model (another origin type, extra cache behaviours). */
  | "NotModelled"
  /** The deployed function's package could not be fetched, or is not what Lambda says is deployed. */
  | "FunctionCodeUnavailable"
  /** The function threw, timed out or could not start (CloudFront: 503, Lambda execution error). */
  | "FunctionFailed"
  /** The function returned something CloudFront would reject (CloudFront: 502, Lambda validation error). */
  | "FunctionResultInvalid"
  /** The origin could not be reached. */
  | "OriginUnavailable";

export class EdgeEmulatorError extends Error {
  readonly code: EdgeEmulatorErrorCode;
  constructor(code: EdgeEmulatorErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EdgeEmulatorError";
    this.code = code;
  }
}

/** The status the viewer gets for each failure, as CloudFront documents them. */
export const statusForError = {
  NoSuchDistribution: 404,
  NotModelled: 501,
  FunctionCodeUnavailable: 502,
  FunctionFailed: 503,
  FunctionResultInvalid: 502,
  OriginUnavailable: 502,
} as const satisfies Record<EdgeEmulatorErrorCode, number>;
