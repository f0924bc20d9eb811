// The edge emulator: answers HTTP on loopback for one distribution in the emulated AWS, as CloudFront would for
// this operator's configuration. Per request: read the distribution's config, run the deployed viewer-request
// function on the event built from the request, then answer with its generated response or with the object
// fetched from the S3 origin as the CloudFront principal. A test and dev tool; never shipped.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { awsClientConfig, type HarnessEnv } from "../harness/env.ts";
import { readDistributionIdentity, readServingPlan, type DistributionIdentity, type ServingPlan } from "./distribution.ts";
import { EdgeEmulatorError, statusForError } from "./errors.ts";
import { generatedBody, parseFunctionResult, splitTarget, eventHeaders, viewerRequestEvent, type GeneratedResponse } from "./event.ts";
import { FunctionRuntimes } from "./function-runtimes.ts";
import { fetchFromOrigin, viewerHeaders, type OriginRequest } from "./origin.ts";
import { applyResponseHeadersPlan, ResponseHeadersPolicies, type ViewerRequestFacts } from "./response-headers-policy.ts";
import { viewerProtocolDecision, viewerProtocolHeader, withoutProtocolMarker } from "./viewer-protocol.ts";

export interface EdgeEmulatorOptions {
  readonly env: Pick<HarnessEnv, "awsEndpoint" | "awsRegion">;
  readonly distributionId: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Where deployed packages are unpacked; a temporary directory, removed by stop(), when omitted. */
  readonly workDir?: string;
  /** Lines the edge function writes (its CloudWatch log). Dropped when omitted. */
  readonly functionLog?: (line: string) => void;
  /** Failures of the emulator itself or of the function (never with request headers or tokens). */
  readonly onError?: (error: Error) => void;
}

export interface EdgeEmulator {
  /** http://127.0.0.1:<port>: the distribution is served at the root. */
  readonly url: string;
  readonly distributionId: string;
  readonly domainName: string;
  stop(): Promise<void>;
}

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The host name of a Host header, without the port. */
export function hostName(host: string | undefined): string {
  const value = (host ?? "").toLowerCase();
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  const colon = value.indexOf(":");
  return colon === -1 ? value : value.slice(0, colon);
}

/** Loopback names, the distribution's own domain and its aliases reach it; any other host is not served here. */
export function servesHost(host: string | undefined, identity: DistributionIdentity, plan: ServingPlan): boolean {
  const name = hostName(host);
  return loopbackHosts.has(name) || name === identity.domainName.toLowerCase() || plan.aliases.some((alias) => alias.toLowerCase() === name);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(`${text}\n`);
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": body.length, "cache-control": "no-store" });
  response.end(body);
}

function sendGenerated(response: ServerResponse, generated: GeneratedResponse, method: string): void {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, entries] of Object.entries(generated.headers ?? {})) {
    headers[entries[0]?.key ?? name] = entries.map((entry) => entry.value);
  }
  const body = generatedBody(generated);
  headers["content-length"] = body.length;
  response.writeHead(Number(generated.status), generated.statusDescription ?? "", headers);
  response.end(method === "HEAD" ? undefined : body);
}

function clientIp(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? "127.0.0.1";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

interface Served {
  readonly distributionId: string;
  readonly identity: DistributionIdentity;
  readonly cloudFront: CloudFrontClient;
  readonly runtimes: FunctionRuntimes;
  readonly policies: ResponseHeadersPolicies;
  readonly endpoint: string;
}

/** The viewer-request step: undefined when the function generated the response itself. */
async function runViewerRequest(served: Served, plan: ServingPlan, request: IncomingMessage, response: ServerResponse): Promise<OriginRequest | undefined> {
  const method = request.method ?? "GET";
  const target = splitTarget(request.url ?? "");
  if (target === undefined) throw new EdgeEmulatorError("NotModelled", "the request target is not a path");
  const rawHeaders = withoutProtocolMarker(request.rawHeaders);
  const viewer: OriginRequest = { method, uri: target.uri, headers: eventHeaders(rawHeaders) };
  if (plan.viewerRequestFunctionArn === undefined) return viewer;
  const event = viewerRequestEvent(
    { method, target: request.url ?? "", rawHeaders, clientIp: clientIp(request) },
    { distributionId: served.distributionId, distributionDomainName: served.identity.domainName, requestId: randomBytes(24).toString("base64url") },
  );
  const result = parseFunctionResult(await served.runtimes.invoke(plan.viewerRequestFunctionArn, event));
  if (result.kind === "forward") return result.request;
  sendGenerated(response, result.response, method);
  return undefined;
}

/** What the response headers policy needs to know of the request: its method, and its Origin when sent once. */
function requestFacts(request: IncomingMessage): ViewerRequestFacts {
  const origins = eventHeaders(request.rawHeaders)["origin"] ?? [];
  return {
    method: request.method ?? "GET",
    origin: origins.length === 1 ? origins[0]?.value : undefined,
    requestsMethod: request.headers["access-control-request-method"] !== undefined,
  };
}

/**
 * CloudFront's answer to a request over plain HTTP (marked by the tests; see viewer-protocol.ts), or false when
 * the request goes on.
 */
function answeredForProtocol(plan: ServingPlan, request: IncomingMessage, response: ServerResponse): boolean {
  const marker = request.headers[viewerProtocolHeader];
  const decision = viewerProtocolDecision(plan.viewerProtocolPolicy, typeof marker === "string" ? marker : undefined, request.headers.host ?? "", request.url ?? "/");
  if (decision.kind === "serve") return false;
  if (decision.kind === "refuse") sendText(response, 403, "The request could not be satisfied: this distribution accepts only HTTPS (ViewerProtocolPolicy https-only).");
  else {
    response.writeHead(301, { location: decision.location, "content-length": 0 });
    response.end();
  }
  return true;
}

async function serve(served: Served, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { distributionId } = served;
  const plan = await readServingPlan(served.cloudFront, distributionId);
  if (!servesHost(request.headers.host, served.identity, plan)) {
    sendText(response, 404, `edge emulator: no distribution serves host ${hostName(request.headers.host)} here (this one serves ${distributionId})`);
    return;
  }
  if (!plan.enabled) {
    sendText(response, 403, `The request could not be satisfied: distribution ${distributionId} is disabled.`);
    return;
  }
  if (answeredForProtocol(plan, request, response)) return;
  if (!plan.allowedMethods.includes(request.method ?? "")) {
    sendText(response, 403, "The request could not be satisfied: this distribution is not configured to allow the HTTP request method.");
    return;
  }
  const forward = await runViewerRequest(served, plan, request, response);
  if (forward === undefined) return;
  // Read before the origin fetch, so that a policy the emulator cannot model fails the request cleanly (501).
  const policy = plan.responseHeadersPolicyId === undefined ? undefined : await served.policies.plan(plan.responseHeadersPolicyId);
  const origin = await fetchFromOrigin({ endpoint: served.endpoint, ...plan.origin, distributionArn: served.identity.arn }, forward);
  const headers = viewerHeaders(origin.headers);
  // The guide names the responses a policy modifies: those served from the cache and those forwarded from the
  // origin. Responses the viewer-request function generated, and CloudFront's own refusals above, keep theirs.
  response.writeHead(origin.statusCode ?? 502, policy === undefined ? headers : applyResponseHeadersPlan(policy, requestFacts(request), headers));
  // A viewer that goes away (a seeking video player does, often) ends the origin read too, and vice versa.
  response.once("close", () => { origin.destroy(); });
  origin.once("error", () => { response.destroy(); });
  origin.pipe(response);
}

function failureResponse(error: unknown): { status: number; text: string } {
  if (error instanceof EdgeEmulatorError) return { status: statusForError[error.code], text: `edge emulator: ${error.message}` };
  return { status: 502, text: `edge emulator: ${error instanceof Error ? error.message : String(error)}` };
}

export async function startEdgeEmulator(options: EdgeEmulatorOptions): Promise<EdgeEmulator> {
  const cloudFront = new CloudFrontClient(awsClientConfig(options.env));
  const lambda = new LambdaClient({ ...awsClientConfig(options.env), region: "us-east-1" });
  const identity = await readDistributionIdentity(cloudFront, options.distributionId);
  const ownWorkDir = options.workDir === undefined ? await mkdtemp(join(tmpdir(), "edge-emulator-")) : undefined;
  const runtimes = new FunctionRuntimes(lambda, ownWorkDir ?? options.workDir ?? tmpdir(), options.functionLog ?? (() => undefined));
  const policies = new ResponseHeadersPolicies(cloudFront, (error) => { options.onError?.(error); });
  const served: Served = { distributionId: options.distributionId, identity, cloudFront, runtimes, policies, endpoint: options.env.awsEndpoint };

  const server = createServer((request, response) => {
    serve(served, request, response).catch((error: unknown) => {
      const failure = failureResponse(error);
      if (!(error instanceof EdgeEmulatorError && error.code === "NoSuchDistribution")) {
        options.onError?.(error instanceof Error ? error : new Error(String(error)));
      }
      if (response.headersSent) response.destroy();
      else sendText(response, failure.status, failure.text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the edge emulator has no TCP address");

  return {
    url: `http://127.0.0.1:${address.port}`,
    distributionId: options.distributionId,
    domainName: identity.domainName,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => { resolve(); }));
      server.closeAllConnections();
      await closed;
      await runtimes.stop();
      cloudFront.destroy();
      lambda.destroy();
      if (ownWorkDir !== undefined) await rm(ownWorkDir, { recursive: true, force: true });
    },
  };
}
