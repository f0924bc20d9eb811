// The service's settings, read from the environment and checked once at start-up.
import { z } from "zod";

export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Where the address comes from: the ConfigMap the operator exports, or the SecuredContentBucket itself. */
export type SourceKind = "configmap" | "securedcontentbucket";

export interface Source {
  readonly kind: SourceKind;
  readonly name: string;
  readonly namespace: string;
}

const sourcePattern = /^(configmap|cm|securedcontentbucket|scb)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

const envSchema = z.object({
  CONTENT_SOURCE: z
    .string()
    .regex(sourcePattern, "must be configmap/<name> or securedcontentbucket/<name> (short: cm/<name>, scb/<name>)")
    .default("configmap/courses-content"),
  CONTENT_NAMESPACE: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  KUBERNETES_API_URL: z.url().optional(),
  KUBERNETES_SERVICE_HOST: z.string().min(1).optional(),
  KUBERNETES_SERVICE_PORT: z.coerce.number().int().min(1).max(65_535).default(443),
  KUBERNETES_TOKEN_FILE: z.string().min(1).optional(),
  KUBERNETES_CA_FILE: z.string().min(1).optional(),
});

export interface ServiceConfig {
  readonly source: Source;
  readonly port: number;
  readonly host: string;
  /** The API server; in a pod, the kubernetes Service. */
  readonly apiServer: URL;
  /** Read again for every connection: projected ServiceAccount tokens rotate. Absent for `kubectl proxy`. */
  readonly tokenFile: string | undefined;
  readonly caFile: string | undefined;
}

export class ConfigError extends Error {
  readonly code = "InvalidConfig";
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Builds the configuration. `inClusterNamespace` is the pod's namespace (read from the ServiceAccount volume by
 * the caller), used when CONTENT_NAMESPACE is not set.
 */
export function loadConfig(env: NodeJS.ProcessEnv, inClusterNamespace: string | undefined): ServiceConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  }
  const vars = parsed.data;
  const namespace = vars.CONTENT_NAMESPACE ?? inClusterNamespace;
  if (namespace === undefined) throw new ConfigError("CONTENT_NAMESPACE is required outside a pod");
  const inCluster = vars.KUBERNETES_API_URL === undefined;
  return {
    source: parseSource(vars.CONTENT_SOURCE, namespace),
    port: vars.PORT,
    host: vars.HOST,
    apiServer: apiServerUrl(vars),
    tokenFile: vars.KUBERNETES_TOKEN_FILE ?? (inCluster ? `${serviceAccountDir}/token` : undefined),
    caFile: vars.KUBERNETES_CA_FILE ?? (inCluster ? `${serviceAccountDir}/ca.crt` : undefined),
  };
}

function parseSource(text: string, namespace: string): Source {
  const [, kind = "", name = ""] = sourcePattern.exec(text) ?? [];
  return { kind: kind === "cm" || kind === "configmap" ? "configmap" : "securedcontentbucket", name, namespace };
}

/** KUBERNETES_API_URL when set (kubectl proxy, tests); in a pod, the kubernetes Service the kubelet announces. */
function apiServerUrl(vars: z.infer<typeof envSchema>): URL {
  if (vars.KUBERNETES_API_URL !== undefined) return new URL(vars.KUBERNETES_API_URL);
  const host = vars.KUBERNETES_SERVICE_HOST;
  if (host === undefined) throw new ConfigError("set KUBERNETES_API_URL (e.g. http://127.0.0.1:8001 from kubectl proxy) outside a pod");
  return new URL(`https://${host.includes(":") ? `[${host}]` : host}:${String(vars.KUBERNETES_SERVICE_PORT)}`);
}

/** The API path of the collection the source lives in; the watcher adds the name. */
export function collectionPath(source: Source): string {
  const namespace = encodeURIComponent(source.namespace);
  return source.kind === "configmap"
    ? `/api/v1/namespaces/${namespace}/configmaps`
    : `/apis/securedcontent.io/v1alpha1/namespaces/${namespace}/securedcontentbuckets`;
}
