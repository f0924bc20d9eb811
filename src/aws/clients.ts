// One SDK client per service and region, each with the shared token bucket of its service, retries with
// backoff for throttling and 5xx (the SDK's adaptive strategy), a metric of every call, and every failure
// converted once into an AwsError, so call sites never wrap a call to learn what went wrong.
//
// The standard AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> variables are honoured by the SDK itself;
// that is how tests and `make dev` point the operator at the emulator.
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import type { AwsCredentialIdentityProvider, FinalizeRequestMiddleware, InitializeMiddleware, MetadataBearer } from "@smithy/types";
import { toAwsError } from "./errors.ts";
import { TokenBucket, type TokenBucketOptions } from "./rate-limiter.ts";

export type AwsService = "s3" | "cloudfront" | "lambda";

export interface AwsCallObserver {
  onCall(service: AwsService, operation: string, outcome: string, seconds: number): void;
}

export interface AwsClientOptions {
  readonly defaultRegion: string;
  readonly rateLimits: Readonly<Record<AwsService, TokenBucketOptions>>;
  readonly observer?: AwsCallObserver;
  /** Path-style S3 addressing, for emulators without virtual-host DNS. */
  readonly s3ForcePathStyle?: boolean;
  readonly maxAttempts?: number;
  /** Credentials other than the default chain's: a role assumed for another account (assume-role.ts). */
  readonly credentials?: AwsCredentialIdentityProvider;
}

/** Conservative defaults, below each service's documented control-plane limits. */
export const defaultRateLimits: Readonly<Record<AwsService, TokenBucketOptions>> = {
  s3: { ratePerSecond: 50, burst: 100 },
  cloudfront: { ratePerSecond: 5, burst: 10 },
  lambda: { ratePerSecond: 10, burst: 20 },
};

/** Lambda@Edge functions, and CloudFront's control plane, live in us-east-1. */
export const edgeRegion = "us-east-1";

const middlewareName = "securedcontentRateLimitAndMetrics";
const placement = { name: middlewareName, relation: "after", toMiddleware: "retryMiddleware" } as const;
// Outside every other middleware, so the SDK's retries still see its own errors and the caller sees only ours.
const conversion = { name: "securedcontentAwsErrors", step: "initialize", priority: "high" } as const;

export class AwsClients {
  readonly #options: AwsClientOptions;
  readonly #buckets: Record<AwsService, TokenBucket>;
  readonly #s3 = new Map<string, S3Client>();
  #cloudFront: CloudFrontClient | undefined;
  #lambda: LambdaClient | undefined;

  constructor(options: AwsClientOptions) {
    this.#options = options;
    this.#buckets = {
      s3: new TokenBucket(options.rateLimits.s3),
      cloudfront: new TokenBucket(options.rateLimits.cloudfront),
      lambda: new TokenBucket(options.rateLimits.lambda),
    };
  }

  s3(region: string): S3Client {
    let client = this.#s3.get(region);
    if (client === undefined) {
      client = new S3Client({ ...this.#common(region), forcePathStyle: this.#options.s3ForcePathStyle ?? false });
      this.#instrument(client, "s3");
      this.#s3.set(region, client);
    }
    return client;
  }

  cloudFront(): CloudFrontClient {
    if (this.#cloudFront === undefined) {
      this.#cloudFront = new CloudFrontClient(this.#common(edgeRegion));
      this.#instrument(this.#cloudFront, "cloudfront");
    }
    return this.#cloudFront;
  }

  /** The edge function's region is fixed: Lambda@Edge functions must be in us-east-1. */
  lambda(): LambdaClient {
    if (this.#lambda === undefined) {
      this.#lambda = new LambdaClient(this.#common(edgeRegion));
      this.#instrument(this.#lambda, "lambda");
    }
    return this.#lambda;
  }

  destroy(): void {
    for (const client of this.#s3.values()) client.destroy();
    this.#cloudFront?.destroy();
    this.#lambda?.destroy();
  }

  #common(region: string): { region: string; maxAttempts: number; retryMode: string; credentials?: AwsCredentialIdentityProvider } {
    const credentials = this.#options.credentials;
    return { region, maxAttempts: this.#options.maxAttempts ?? 4, retryMode: "adaptive", ...(credentials === undefined ? {} : { credentials }) };
  }

  #instrument(client: S3Client | CloudFrontClient | LambdaClient, service: AwsService): void {
    // The three clients' stacks differ only in their input and output types, which these middlewares ignore.
    const stack = client.middlewareStack as unknown as S3Client["middlewareStack"];
    stack.addRelativeTo(this.#middleware(service), placement);
    stack.add(convertErrors(service), conversion);
  }

  /** Every HTTP attempt (retries included) waits for its service's token and is counted. */
  #middleware(service: AwsService): FinalizeRequestMiddleware<object, MetadataBearer> {
    const bucket = this.#buckets[service];
    const observer = this.#options.observer;
    return (next, context) => async (args) => {
      await bucket.acquire();
      const operation = operationOf(context.commandName);
      const started = performance.now();
      let outcome = "success";
      try {
        return await next(args);
      } catch (error) {
        outcome = typeof error === "object" && error !== null && "name" in error && typeof error.name === "string" ? error.name : "Error";
        throw error;
      } finally {
        observer?.onCall(service, operation, outcome, (performance.now() - started) / 1000);
      }
    };
  }
}

/** Turns whatever a command throws, after the SDK's own retries, into an AwsError naming service and operation. */
function convertErrors(service: AwsService): InitializeMiddleware<object, MetadataBearer> {
  return (next, context) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      throw toAwsError(error, service, operationOf(context.commandName));
    }
  };
}

function operationOf(commandName: string | undefined): string {
  return (commandName ?? "Unknown").replace(/Command$/, "");
}
