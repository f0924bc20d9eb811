// The parts of a CloudFront viewer-request event and of a generated response that this function uses.

/** CloudFront's header map: lowercase names, each with one or more `{ key, value }` entries. */
export type CloudFrontHeaders = Record<string, readonly CloudFrontHeader[] | undefined>;

export interface CloudFrontHeader {
  readonly key?: string;
  readonly value: string;
}

export interface CloudFrontRequest {
  readonly clientIp: string;
  readonly method: string;
  readonly uri: string;
  readonly querystring: string;
  readonly headers: CloudFrontHeaders;
  readonly [other: string]: unknown;
}

export interface CloudFrontRequestEvent {
  readonly Records: readonly { readonly cf: { readonly request: CloudFrontRequest; readonly config?: unknown } }[];
}

/** Headers the function builds for a generated response, in CloudFront's shape. */
export type ResponseHeaders = Record<string, { key: string; value: string }[]>;

/** Sets one header under its lowercase name, with `key` keeping the usual spelling. */
export function setHeader(headers: ResponseHeaders, key: string, value: string): void {
  headers[key.toLowerCase()] = [{ key, value }];
}

/** A response generated at the edge instead of forwarding the request. A 204 has no body. */
export interface CloudFrontResultResponse {
  readonly status: string;
  readonly statusDescription: string;
  readonly headers: CloudFrontHeaders;
  readonly body?: string;
  readonly bodyEncoding?: "text";
}
