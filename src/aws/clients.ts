// One SDK client per service and region, each with the shared token bucket of its service, retries with
// backoff for throttling and 5xx (the SDK's adaptive strategy), and a metric of every call.
//
// The standard AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> variables are honoured by the SDK itself;
// that is how tests and `make dev` point the operator at the emulator.
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import type { FinalizeRequestMiddleware, MetadataBearer } from "@smithy/types";
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
      client.middlewareStack.addRelativeTo(this.#middleware("s3"), placement);
      this.#s3.set(region, client);
    }
    return client;
  }

  cloudFront(): CloudFrontClient {
    if (this.#cloudFront === undefined) {
      this.#cloudFront = new CloudFrontClient(this.#common(edgeRegion));
      this.#cloudFront.middlewareStack.addRelativeTo(this.#middleware("cloudfront"), placement);
    }
    return this.#cloudFront;
  }

  /** The edge function's region is fixed: Lambda@Edge functions must be in us-east-1. */
  lambda(): LambdaClient {
    if (this.#lambda === undefined) {
      this.#lambda = new LambdaClient(this.#common(edgeRegion));
      this.#lambda.middlewareStack.addRelativeTo(this.#middleware("lambda"), placement);
    }
    return this.#lambda;
  }

  destroy(): void {
    for (const client of this.#s3.values()) client.destroy();
    this.#cloudFront?.destroy();
    this.#lambda?.destroy();
  }

  #common(region: string): { region: string; maxAttempts: number; retryMode: string } {
    return { region, maxAttempts: this.#options.maxAttempts ?? 4, retryMode: "adaptive" };
  }

  /** Every HTTP attempt (retries included) waits for its service's token and is counted. */
  #middleware(service: AwsService): FinalizeRequestMiddleware<object, MetadataBearer> {
    const bucket = this.#buckets[service];
    const observer = this.#options.observer;
    return (next, context) => async (args) => {
      await bucket.acquire();
      const operation = (context.commandName ?? "Unknown").replace(/Command$/, "");
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
