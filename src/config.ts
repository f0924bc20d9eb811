// The operator's configuration, read from the environment and validated once at start-up with clear errors.
import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const leaderElectionSchema = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const text = value.trim();
    if (text === "" || text === "false" || text === "off") return undefined;
    const match = /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(text);
    if (match?.[1] === undefined || match[2] === undefined) {
      ctx.addIssue({ code: "custom", message: 'expected "<namespace>/<lease name>", or empty/"false" to disable' });
      return z.NEVER;
    }
    return { namespace: match[1], name: match[2] };
  });

const addressSchema = z
  .string()
  .default(":8080")
  .transform((value, ctx) => {
    const match = /^(.*):(\d{1,5})$/.exec(value);
    const port = Number(match?.[2]);
    if (match === null || !(port >= 0 && port <= 65_535)) {
      ctx.addIssue({ code: "custom", message: 'expected "[host]:port", e.g. ":8080"' });
      return z.NEVER;
    }
    return { host: match[1] === "" ? "0.0.0.0" : (match[1] ?? "0.0.0.0"), port };
  });

const awsServices = ["s3", "cloudfront", "lambda"] as const;

/** Cognito's own JWKS URL: https, Cognito's regional host. The only template accepted outside development. */
export const cognitoJwksUrlTemplate = "https://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json";

/**
 * Client-side token buckets per AWS service, as "service=rate/burst" pairs separated by commas (e.g.
 * "cloudfront=5/10,s3=50/100"); services not named keep the built-in limits.
 */
const rateLimitsSchema = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const limits: Partial<Record<(typeof awsServices)[number], { ratePerSecond: number; burst: number }>> = {};
    for (const pair of value.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
      const match = /^([a-z0-9]+)=(\d+(?:\.\d+)?)\/(\d+)$/.exec(pair);
      const service = awsServices.find((s) => s === match?.[1]);
      const ratePerSecond = Number(match?.[2]);
      const burst = Number(match?.[3]);
      if (service === undefined || !(ratePerSecond > 0) || !(burst >= 1)) {
        ctx.addIssue({ code: "custom", message: `expected "<s3|cloudfront|lambda>=<rate per second>/<burst>" pairs, e.g. "cloudfront=5/10", not "${pair}"` });
        return z.NEVER;
      }
      limits[service] = { ratePerSecond, burst };
    }
    return limits;
  });

export const operatorConfigSchema = z.object({
  AWS_REGION: z.string().min(1).default("us-east-1"),
  EDGE_FUNCTION_ROLE_ARN: z
    .string({ error: "EDGE_FUNCTION_ROLE_ARN is required: the pre-created execution role of the edge function" })
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "must be an IAM role ARN"),
  // No default: a shared default let clusters in one account mistake each other's resources for their own. The
  // kube-system uid now tells them apart; the name stays required so tags and names say which cluster it is.
  CLUSTER_NAME: z
    .string({ error: "CLUSTER_NAME is required: a name for this cluster, unique among the clusters that share the AWS account" })
    .regex(/^[a-zA-Z0-9._-]{1,64}$/, "1-64 letters, digits, '.', '_' or '-'")
    .refine((name) => name !== "default", "must name this cluster: \"default\" was the old shared default, set a name unique in the AWS account"),
  WATCH_NAMESPACE: z.string().default(""),
  EXPOSURE_RESYNC_SECONDS: seconds(60),
  FULL_RESYNC_SECONDS: seconds(600),
  DEPLOYING_REQUEUE_SECONDS: seconds(30),
  /** How often the leader looks for edge functions marked for deletion (each retried with its own backoff). */
  SWEEP_INTERVAL_SECONDS: seconds(300),
  MAX_CONCURRENT_RECONCILES: z.coerce.number().int().min(1).max(64).default(4),
  /** Overrides of the per-service AWS rate limits (accounts with raised quotas, or a shared account). */
  AWS_RATE_LIMITS: rateLimitsSchema,
  LEADER_ELECTION: leaderElectionSchema,
  EDGE_FUNCTION_RUNTIME: z
    .string()
    .regex(/^nodejs(2[2-9]|[3-9]\d)\.x$/, "must be nodejs22.x or newer")
    .default("nodejs22.x"),
  /** A handler bundle built at image build time (`make build` writes dist/edge-auth/index.mjs). */
  EDGE_BUNDLE_PATH: z.string().optional(),
  /** Path-style S3 addressing, for emulators without virtual-host DNS; never needed on AWS. */
  AWS_S3_FORCE_PATH_STYLE: z
    .enum(["true", "false", ""])
    .default("")
    .transform((v) => v === "true"),
  COGNITO_JWKS_URL_TEMPLATE: z
    .string()
    .default(cognitoJwksUrlTemplate)
    .refine((t) => t.includes("{userPoolId}"), "must contain {userPoolId}"),
  /**
   * Development only: lets COGNITO_JWKS_URL_TEMPLATE (and the edge function's fallback jwksUri) be plain http or
   * another host, such as an emulator on loopback. Whoever answers that URL can add signing keys.
   */
  ALLOW_INSECURE_JWKS_URL: z
    .enum(["true", "false", ""])
    .default("")
    .transform((v) => v === "true"),
  METRICS_ADDRESS: addressSchema,
  SHUTDOWN_GRACE_SECONDS: seconds(25),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  POD_NAME: z.string().optional(),
});

export type OperatorConfig = z.infer<typeof operatorConfigSchema>;

export class ConfigError extends Error {
  readonly code = "InvalidConfig";
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): OperatorConfig {
  const result = operatorConfigSchema.safeParse(env);
  if (result.success) {
    if (result.data.FULL_RESYNC_SECONDS < result.data.EXPOSURE_RESYNC_SECONDS) {
      throw new ConfigError("invalid configuration:\n  FULL_RESYNC_SECONDS: must not be shorter than EXPOSURE_RESYNC_SECONDS");
    }
    // The keys at this URL are baked into every edge function and fetched by them: only Cognito's, over https.
    if (!result.data.ALLOW_INSECURE_JWKS_URL && result.data.COGNITO_JWKS_URL_TEMPLATE !== cognitoJwksUrlTemplate) {
      throw new ConfigError(
        `invalid configuration:\n  COGNITO_JWKS_URL_TEMPLATE: must be ${cognitoJwksUrlTemplate} (Cognito's host, over https); ` +
          "another URL only for local development, with ALLOW_INSECURE_JWKS_URL=true",
      );
    }
    return result.data;
  }
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(environment)"}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
}
