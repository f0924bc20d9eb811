// What the emulator needs to know about one distribution, read from the emulated CloudFront and parsed with zod:
// its identity once (ARN, domain), and its serving plan on every request (so updates take effect as deployed).
import { GetDistributionCommand, GetDistributionConfigCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { z } from "zod";
import { EdgeEmulatorError } from "./errors.ts";

const quantityList = <T extends z.ZodType>(item: T) => z.object({ Quantity: z.number(), Items: z.array(item).optional() });

const distributionConfigSchema = z.object({
  Enabled: z.boolean(),
  Aliases: quantityList(z.string()).optional(),
  Origins: quantityList(z.object({ Id: z.string(), DomainName: z.string(), OriginPath: z.string().optional() })),
  DefaultCacheBehavior: z.object({
    TargetOriginId: z.string(),
    ViewerProtocolPolicy: z.enum(["allow-all", "https-only", "redirect-to-https"]),
    ResponseHeadersPolicyId: z.string().optional(),
    AllowedMethods: z.object({ Items: z.array(z.string()).optional() }).optional(),
    LambdaFunctionAssociations: quantityList(z.object({ EventType: z.string(), LambdaFunctionARN: z.string() })).optional(),
  }),
  CacheBehaviors: quantityList(z.unknown()).optional(),
});

const distributionSchema = z.object({ ARN: z.string().min(1), DomainName: z.string().min(1) });

export interface DistributionIdentity {
  readonly arn: string;
  readonly domainName: string;
}

/** How the distribution answers a viewer: the subset of its config that this operator's distributions use. */
export interface ServingPlan {
  readonly enabled: boolean;
  readonly aliases: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly viewerProtocolPolicy: "allow-all" | "https-only" | "redirect-to-https";
  /** The response headers policy of the default cache behaviour, if any. */
  readonly responseHeadersPolicyId: string | undefined;
  readonly origin: { readonly bucket: string; readonly originPath: string };
  /** The numbered function version associated with viewer-request, if any. */
  readonly viewerRequestFunctionArn: string | undefined;
}

// <bucket>.s3.<region>.amazonaws.com, <bucket>.s3-<region>.amazonaws.com and the legacy global <bucket>.s3.amazonaws.com.
const s3OriginDomain = /^(?<bucket>[a-z0-9][a-z0-9.-]*[a-z0-9])\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/;

/** The bucket an S3 origin domain names, or undefined for any other origin. */
export function bucketOfS3Origin(domainName: string): string | undefined {
  return s3OriginDomain.exec(domainName)?.groups?.["bucket"];
}

/** An unset id may come back as an empty string. */
function nonEmpty(id: string | undefined): string | undefined {
  return id === "" ? undefined : id;
}

/** The serving plan of a distribution config; refuses what the emulator does not model instead of guessing. */
export function servingPlan(config: unknown): ServingPlan {
  const parsed = distributionConfigSchema.parse(config);
  if ((parsed.CacheBehaviors?.Quantity ?? 0) > 0) {
    throw new EdgeEmulatorError("NotModelled", "cache behaviours other than the default one are not modelled");
  }
  const behaviour = parsed.DefaultCacheBehavior;
  const origin = (parsed.Origins.Items ?? []).find((o) => o.Id === behaviour.TargetOriginId);
  if (origin === undefined) throw new EdgeEmulatorError("NotModelled", `no origin ${behaviour.TargetOriginId}`);
  const bucket = bucketOfS3Origin(origin.DomainName);
  if (bucket === undefined) throw new EdgeEmulatorError("NotModelled", `origin ${origin.DomainName} is not an S3 bucket`);
  const associations = behaviour.LambdaFunctionAssociations?.Items ?? [];
  return {
    enabled: parsed.Enabled,
    aliases: parsed.Aliases?.Items ?? [],
    allowedMethods: behaviour.AllowedMethods?.Items ?? ["GET", "HEAD"],
    viewerProtocolPolicy: behaviour.ViewerProtocolPolicy,
    responseHeadersPolicyId: nonEmpty(behaviour.ResponseHeadersPolicyId),
    origin: { bucket, originPath: origin.OriginPath ?? "" },
    viewerRequestFunctionArn: associations.find((a) => a.EventType === "viewer-request")?.LambdaFunctionARN,
  };
}

function isNoSuchDistribution(error: unknown): boolean {
  return error instanceof Error && error.name === "NoSuchDistribution";
}

function noSuchDistribution(id: string, cause: unknown): EdgeEmulatorError {
  return new EdgeEmulatorError("NoSuchDistribution", `distribution ${id} does not exist`, { cause });
}

/**
 * One GetDistribution, at start. The patched emulator counts it as a read towards Deployed, so it is not repeated
 * per request (GetDistributionConfig, used per request, is not counted).
 */
export async function readDistributionIdentity(cloudFront: CloudFrontClient, id: string): Promise<DistributionIdentity> {
  try {
    const result = await cloudFront.send(new GetDistributionCommand({ Id: id }));
    const distribution = distributionSchema.parse(result.Distribution);
    return { arn: distribution.ARN, domainName: distribution.DomainName };
  } catch (error) {
    throw isNoSuchDistribution(error) ? noSuchDistribution(id, error) : error;
  }
}

export async function readServingPlan(cloudFront: CloudFrontClient, id: string): Promise<ServingPlan> {
  try {
    const result = await cloudFront.send(new GetDistributionConfigCommand({ Id: id }));
    return servingPlan(result.DistributionConfig);
  } catch (error) {
    throw isNoSuchDistribution(error) ? noSuchDistribution(id, error) : error;
  }
}
