// Shared fixtures: a valid SecuredContentBucket and invalid variants with the error each must produce.
import { readFileSync } from "node:fs";
import { loadYaml } from "@kubernetes/client-node";

export interface ExampleBucket {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; [key: string]: unknown };
  spec: Record<string, unknown>;
}

const examplePath = new URL("../../../examples/secured-content-bucket.yaml", import.meta.url);

/** The checked-in example CR, as a fresh copy each time. */
export function exampleBucket(): ExampleBucket {
  // Through JSON, so the result is plain data rather than client-node's model classes.
  return JSON.parse(JSON.stringify(loadYaml(readFileSync(examplePath, "utf8")))) as ExampleBucket;
}

/** The same object as the API server would return it: metadata filled in. */
export function storedBucket(resource: ExampleBucket = exampleBucket()): ExampleBucket {
  return {
    ...resource,
    metadata: { ...resource.metadata, uid: "d90bbc23-73ac-42e2-b3ab-88ed1726ced4", resourceVersion: "7", generation: 1 },
  };
}

/** Only the required fields. */
export function minimalSpec(): Record<string, unknown> {
  return {
    bucket: { name: "simple-aws-courses-content", region: "us-east-1" },
    auth: { userPoolId: "us-east-1_AbCdEf123", clientIds: ["4b3c2d1e0f5a6b7c8d9e0f1a2b"], requiredGroups: ["paid-students"] },
  };
}

export interface InvalidSpecCase {
  readonly name: string;
  /** Changes a minimal spec into an invalid one. */
  readonly spec: (spec: Record<string, unknown>) => Record<string, unknown>;
  /** Field path as the API server and the parser both report it. */
  readonly path: string;
  readonly message: string;
}

const messages = {
  length: "must be 3 to 63 characters long",
  characters: "may contain only lowercase letters, digits, dots (.) and hyphens (-)",
  ends: "must begin and end with a lowercase letter or digit",
  periods: "must not contain two adjacent periods",
  ip: "must not be formatted as an IP address (such as 192.168.5.4)",
  prefix: "must not start with xn--, sthree-, amzn-s3-demo- (prefixes reserved by S3)",
  suffix: "must not end with -s3alias, --ol-s3, .mrap, --x-s3, --table-s3 (suffixes reserved by S3)",
};

function withBucketName(name: string) {
  return (spec: Record<string, unknown>) => ({ ...spec, bucket: { name, region: "us-east-1" } });
}

function withAuth(auth: Record<string, unknown>) {
  return (spec: Record<string, unknown>) => ({ ...spec, auth: { ...(spec.auth as object), ...auth } });
}

function withDistribution(distribution: Record<string, unknown>) {
  return (spec: Record<string, unknown>) => ({ ...spec, distribution });
}

const bucketNameCases: readonly [string, string, string][] = [
  ["too short", "ab", messages.length],
  ["uppercase letters", "Simple-AWS-Courses", messages.characters],
  ["an underscore", "simple_aws_courses", messages.characters],
  ["a leading hyphen", "-simple-aws-courses", messages.ends],
  ["a trailing period", "simple-aws-courses.", messages.ends],
  ["two adjacent periods", "simple..courses", messages.periods],
  ["an IP address", "192.168.5.4", messages.ip],
  ["the xn-- prefix", "xn--simple-courses", messages.prefix],
  ["the sthree- prefix", "sthree-courses", messages.prefix],
  ["the amzn-s3-demo- prefix", "amzn-s3-demo-courses", messages.prefix],
  ["the -s3alias suffix", "courses-s3alias", messages.suffix],
  ["the --ol-s3 suffix", "courses--ol-s3", messages.suffix],
  ["the .mrap suffix", "courses.mrap", messages.suffix],
  ["the --x-s3 suffix", "courses--x-s3", messages.suffix],
  ["the --table-s3 suffix", "courses--table-s3", messages.suffix],
];

function withOrigins(...allowedOrigins: string[]) {
  return (spec: Record<string, unknown>) => ({ ...spec, cors: { allowedOrigins } });
}

const originMessages = {
  scheme: "must start with https:// (http:// only for localhost, 127.0.0.1 or [::1])",
  path: "must be only a scheme, a host and an optional port: no path, trailing slash, query or fragment",
  wildcard: "must not contain a wildcard: list every origin exactly",
  http: "may use http:// only for localhost, 127.0.0.1 or [::1]; every other origin must use https://",
  defaultPort: "must leave out the default port (:443 for https, :80 for http), as browsers do",
  host: "must be spelled as browsers send the Origin header: a lowercase host name (punycode for international names) or [::1]",
  port: "must have a port from 1 to 65535, without leading zeros, if it has one",
};

const originCases: readonly [string, string, string][] = [
  ["no scheme", "app.example.com", originMessages.scheme],
  ["another scheme", "ftp://app.example.com", originMessages.scheme],
  ["a path", "https://app.example.com/courses", originMessages.path],
  ["a trailing slash", "https://app.example.com/", originMessages.path],
  ["a query", "https://app.example.com?from=mail", originMessages.path],
  ["a wildcard", "https://*.example.com", originMessages.wildcard],
  ["plain http to a public host", "http://app.example.com", originMessages.http],
  ["plain http to another loopback address", "http://127.0.0.2:8080", originMessages.http],
  ["the default https port", "https://app.example.com:443", originMessages.defaultPort],
  ["the default http port", "http://localhost:80", originMessages.defaultPort],
  ["capitals", "https://App.Example.com", originMessages.host],
  ["a unicode host", "https://bücher.example", originMessages.host],
  ["an IPv6 address other than [::1]", "https://[2001:db8::1]", originMessages.host],
  ["a port over 65535", "https://app.example.com:65536", originMessages.port],
  ["port 0", "https://app.example.com:0", originMessages.port],
];

export const invalidSpecCases: readonly InvalidSpecCase[] = [
  ...bucketNameCases.map(([what, name, message]) => ({
    name: `a bucket name with ${what} (${name})`,
    spec: withBucketName(name),
    path: "spec.bucket.name",
    message,
  })),
  {
    name: "a region that is not a region code",
    spec: (spec) => ({ ...spec, bucket: { name: "simple-aws-courses-content", region: "US East" } }),
    path: "spec.bucket.region",
    message: "must be an AWS region code such as us-east-1",
  },
  ...["AbCdEf123", "us-east-1-AbCdEf123", "us-east-1_", "us-east-1_AbC/Ef"].map((userPoolId) => ({
    name: `a user pool id without the <region>_<id> form (${userPoolId})`,
    spec: withAuth({ userPoolId }),
    path: "spec.auth.userPoolId",
    message: "must be a Cognito user pool id of the form <region>_<id>, such as us-east-1_AbCdEf123",
  })),
  {
    name: "no client ids",
    spec: withAuth({ clientIds: [] }),
    path: "spec.auth.clientIds",
    message: "must list at least one app client id",
  },
  {
    name: "a client id with a space",
    spec: withAuth({ clientIds: ["4b3c 2d1e"] }),
    path: "spec.auth.clientIds[0]",
    message: "must be a Cognito app client id (letters, digits, + and _)",
  },
  {
    name: "no groups",
    spec: withAuth({ requiredGroups: [] }),
    path: "spec.auth.requiredGroups",
    message: "must list at least one group",
  },
  {
    name: "no token sources",
    spec: withAuth({ tokenSources: [] }),
    path: "spec.auth.tokenSources",
    message: "must list at least one token source",
  },
  {
    name: "aliases without a certificate",
    spec: withDistribution({ aliases: ["courses.example.com"] }),
    path: "spec.distribution.acmCertificateArn",
    message: "is required when aliases are set: CloudFront serves alternate domain names only with an ACM certificate",
  },
  {
    name: "an alias that is not a domain name",
    spec: withDistribution({
      aliases: ["Courses Example"],
      acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
    }),
    path: "spec.distribution.aliases[0]",
    message: "must be a lowercase domain name such as courses.example.com, or a wildcard such as *.example.com",
  },
  {
    name: "a certificate outside us-east-1",
    spec: withDistribution({
      aliases: ["courses.example.com"],
      acmCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e",
    }),
    path: "spec.distribution.acmCertificateArn",
    message: "must be the ARN of an ACM certificate in us-east-1, the only region CloudFront takes certificates from",
  },
  {
    name: "a regional web ACL",
    spec: withDistribution({ webAclArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/courses/0b1c2d3e" }),
    path: "spec.distribution.webAclArn",
    message:
      "must be the ARN of a WAFv2 web ACL with CloudFront scope (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)",
  },
  {
    name: "an unknown cache policy",
    spec: withDistribution({ cachePolicy: "Optimized" }),
    path: "spec.distribution.cachePolicy",
    message: "must be CachingOptimized or CachingDisabled, or the id of a CloudFront cache policy",
  },
  {
    name: "a logging bucket with two adjacent periods",
    spec: withDistribution({ logging: { bucket: "course..logs" } }),
    path: "spec.distribution.logging.bucket",
    message: messages.periods,
  },
  {
    name: "a cors section without origins",
    spec: withOrigins(),
    path: "spec.cors.allowedOrigins",
    message: "must list at least one origin",
  },
  ...originCases.map(([what, origin, message]) => ({
    name: `an allowed origin with ${what} (${origin})`,
    spec: withOrigins("https://app.example.com", origin),
    path: "spec.cors.allowedOrigins[1]",
    message,
  })),
  {
    name: "a ConfigMap name with uppercase letters",
    spec: (spec) => ({ ...spec, export: { configMapName: "Courses-Content" } }),
    path: "spec.export.configMapName",
    message:
      "must be a valid ConfigMap name: lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit",
  },
];
