// What a conformance run costs on AWS, estimated from what it did. Approximate on purpose: list prices for
// us-east-1 and CloudFront's United States edge, without free tiers, taxes or the account's discounts.

/** When these prices were taken from the AWS pricing pages (CloudFront, Lambda@Edge, S3, Cognito). */
export const pricesAsOf = "2026-12 (aws.amazon.com/cloudfront/pricing, /lambda/pricing, /s3/pricing, /cognito/pricing)";

const prices = {
  cloudFrontHttpsPer10k: 0.01,
  cloudFrontPerGbOut: 0.085,
  edgeRequestsPerMillion: 0.6,
  edgePerGbSecond: 0.00005001,
  s3StoragePerGbMonth: 0.023,
  s3PutPer1k: 0.005,
  s3GetPer1k: 0.0004,
  cognitoPerMau: 0.015,
  logsIngestPerGb: 0.5,
};

export interface Usage {
  readonly viewerRequests: number;
  readonly bytesServed: number;
  readonly objectBytes: number;
  readonly runSeconds: number;
  readonly signedInUsers: number;
}

export interface CostEstimate {
  readonly pricesAsOf: string;
  readonly lines: readonly { readonly item: string; readonly usd: number }[];
  readonly totalUsd: number;
  readonly note: string;
}

export function estimateCost(usage: Usage): CostEstimate {
  const gb = (bytes: number) => bytes / 1024 ** 3;
  // Each viewer request runs the viewer-request function once: 128 MB for ~50 ms is a generous guess.
  const edgeSeconds = usage.viewerRequests * 0.05;
  const lines = [
    { item: `CloudFront: ${usage.viewerRequests} HTTPS requests`, usd: (usage.viewerRequests / 10_000) * prices.cloudFrontHttpsPer10k },
    { item: `CloudFront: ${usage.bytesServed} bytes out`, usd: gb(usage.bytesServed) * prices.cloudFrontPerGbOut },
    { item: `Lambda@Edge: ${usage.viewerRequests} invocations`, usd: (usage.viewerRequests / 1e6) * prices.edgeRequestsPerMillion },
    { item: `Lambda@Edge: ~${edgeSeconds.toFixed(1)} s at 128 MB`, usd: edgeSeconds * 0.125 * prices.edgePerGbSecond },
    { item: "Lambda@Edge logs in CloudWatch (~1 KB per invocation)", usd: gb(usage.viewerRequests * 1024) * prices.logsIngestPerGb },
    {
      item: `S3: one object of ${usage.objectBytes} bytes for ${Math.ceil(usage.runSeconds / 60)} min, 1 PUT, up to ${usage.viewerRequests} origin GETs`,
      usd: gb(usage.objectBytes) * prices.s3StoragePerGbMonth * (usage.runSeconds / (30 * 86_400)) + prices.s3PutPer1k / 1000 + (usage.viewerRequests / 1000) * prices.s3GetPer1k,
    },
    { item: `Cognito: ${usage.signedInUsers} monthly active users (free within the first 10,000)`, usd: usage.signedInUsers * prices.cognitoPerMau },
  ];
  const totalUsd = lines.reduce((sum, line) => sum + line.usd, 0);
  return {
    pricesAsOf,
    lines,
    totalUsd,
    note:
      "Distributions, origin access controls, Lambda functions, IAM and an empty user pool cost nothing while they exist; " +
      "the free tiers (CloudFront 10 M requests and 1 TB a month, Cognito 10,000 MAU) usually make the real bill US$0.00. " +
      "Prices change: check the pricing pages.",
  };
}

export function formatCost(estimate: CostEstimate): string {
  const money = (usd: number) => `US$${usd < 0.01 ? usd.toFixed(6) : usd.toFixed(2)}`;
  return [
    `Estimated cost of this run (list prices as of ${estimate.pricesAsOf}):`,
    ...estimate.lines.map((line) => `  ${money(line.usd).padStart(14)}  ${line.item}`),
    `  ${money(estimate.totalUsd).padStart(14)}  total, before free tiers`,
    `  ${estimate.note}`,
  ].join("\n");
}
