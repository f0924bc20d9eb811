// Where the operator finds the API server and its credentials, without loading @kubernetes/client-node when it
// does not have to: that package's generated API client costs about 80 MB of resident memory, and the operator
// only ever needed its kubeconfig handling. Served here, as client-go serves them:
// - in a Pod: the ServiceAccount token (re-read, so rotation is seen), its CA and KUBERNETES_SERVICE_HOST/PORT;
// - a kubeconfig written as JSON (the harness writes these) whose user has a token or a client certificate.
// Anything else (YAML, exec plugins, auth providers, several KUBECONFIG files) goes to client-node as before.
import { existsSync, readFileSync } from "node:fs";
import type { OutgoingHttpHeaders } from "node:http";
import type { RequestOptions } from "node:https";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { z } from "zod";

/** What the REST client needs from a kubeconfig. @kubernetes/client-node's KubeConfig has the same shape. */
export interface KubeConnectionConfig {
  getCurrentCluster(): { readonly server: string } | null;
  /** Fills in TLS material and the Authorization header for the next connection. */
  applyToHTTPSOptions(options: RequestOptions): Promise<void>;
}

export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

interface Credentials {
  readonly server: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecure?: boolean;
  readonly servername?: string;
  /** Read on every call, so a rotated token file is picked up. */
  readonly token?: () => string;
}

class StaticKubeConfig implements KubeConnectionConfig {
  readonly #credentials: Credentials;

  constructor(credentials: Credentials) {
    this.#credentials = credentials;
  }

  getCurrentCluster(): { server: string } {
    return { server: this.#credentials.server };
  }

  applyToHTTPSOptions(options: RequestOptions): Promise<void> {
    const { ca, cert, key, insecure, servername, token } = this.#credentials;
    if (ca !== undefined) options.ca = ca;
    if (cert !== undefined) options.cert = cert;
    if (key !== undefined) options.key = key;
    if (insecure === true) options.rejectUnauthorized = false;
    if (servername !== undefined) options.servername = servername;
    if (token !== undefined) {
      const headers: OutgoingHttpHeaders = options.headers === undefined || isHeaderList(options.headers) ? {} : options.headers;
      headers["Authorization"] = `Bearer ${token()}`;
      options.headers = headers;
    }
    return Promise.resolve();
  }
}

function isHeaderList(headers: RequestOptions["headers"]): headers is readonly string[] {
  return Array.isArray(headers);
}

/** The in-cluster config, as client-go's rest.InClusterConfig builds it; undefined outside a Pod. */
export function inClusterConfig(env: NodeJS.ProcessEnv, dir = serviceAccountDir): KubeConnectionConfig | undefined {
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"];
  const tokenFile = join(dir, "token");
  if (host === undefined || host === "" || port === undefined || port === "" || !existsSync(tokenFile)) return undefined;
  const caFile = join(dir, "ca.crt");
  return new StaticKubeConfig({
    server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    ...(existsSync(caFile) ? { ca: readFileSync(caFile) } : {}),
    token: () => readFileSync(tokenFile, "utf8").trim(),
  });
}

const clusterSchema = z.strictObject({
  server: z.string().min(1),
  "certificate-authority": z.string().optional(),
  "certificate-authority-data": z.string().optional(),
  "insecure-skip-tls-verify": z.boolean().optional(),
  "tls-server-name": z.string().optional(),
  extensions: z.unknown().optional(),
});

// Strict: a user with anything else (exec, auth-provider, impersonation ...) is left to client-node.
const userSchema = z.strictObject({
  token: z.string().optional(),
  tokenFile: z.string().optional(),
  "client-certificate": z.string().optional(),
  "client-certificate-data": z.string().optional(),
  "client-key": z.string().optional(),
  "client-key-data": z.string().optional(),
  extensions: z.unknown().optional(),
});

const kubeconfigSchema = z.looseObject({
  "current-context": z.string().min(1),
  clusters: z.array(z.looseObject({ name: z.string(), cluster: clusterSchema })),
  users: z.array(z.looseObject({ name: z.string(), user: userSchema })),
  contexts: z.array(z.looseObject({ name: z.string(), context: z.looseObject({ cluster: z.string(), user: z.string() }) })),
});

/** Inline data, else a file relative to the kubeconfig's folder. */
function material(data: string | undefined, file: string | undefined, base: string): Buffer | undefined {
  if (data !== undefined) return Buffer.from(data, "base64");
  if (file === undefined) return undefined;
  return readFileSync(isAbsolute(file) ? file : join(base, file));
}

/** A JSON kubeconfig with static credentials; undefined when it is anything else. */
export function staticKubeconfig(text: string, path: string): KubeConnectionConfig | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = kubeconfigSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const config = parsed.data;
  const context = config.contexts.find((c) => c.name === config["current-context"])?.context;
  const cluster = config.clusters.find((c) => c.name === context?.cluster)?.cluster;
  const user = config.users.find((u) => u.name === context?.user)?.user;
  if (cluster === undefined || user === undefined) return undefined;
  return new StaticKubeConfig(credentialsOf(cluster, user, dirname(path)));
}

function credentialsOf(cluster: z.infer<typeof clusterSchema>, user: z.infer<typeof userSchema>, base: string): Credentials {
  const cert = material(user["client-certificate-data"], user["client-certificate"], base);
  const key = material(user["client-key-data"], user["client-key"], base);
  const ca = material(cluster["certificate-authority-data"], cluster["certificate-authority"], base);
  const { token, tokenFile } = user;
  const readToken = token !== undefined ? () => token : tokenFile === undefined ? undefined : () => readFileSync(isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile), "utf8").trim();
  return {
    server: cluster.server,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(cluster["insecure-skip-tls-verify"] === undefined ? {} : { insecure: cluster["insecure-skip-tls-verify"] }),
    ...(cluster["tls-server-name"] === undefined ? {} : { servername: cluster["tls-server-name"] }),
    ...(readToken === undefined ? {} : { token: readToken }),
  };
}

/** The kubeconfig files client-node's loadFromDefault would read, in its order: KUBECONFIG, else ~/.kube/config. */
function kubeconfigPaths(env: NodeJS.ProcessEnv): string[] {
  const listed = (env["KUBECONFIG"] ?? "").split(delimiter).filter((p) => p !== "");
  if (listed.length > 0) return listed;
  const home = join(env["HOME"] ?? homedir(), ".kube", "config");
  return existsSync(home) ? [home] : [];
}

/** Loads the connection config the way client-node's loadFromDefault does, without client-node when possible. */
export async function loadKubeConfig(env: NodeJS.ProcessEnv = process.env): Promise<KubeConnectionConfig> {
  const paths = kubeconfigPaths(env);
  const [only] = paths;
  if (paths.length === 0) {
    const inCluster = inClusterConfig(env);
    if (inCluster !== undefined) return inCluster;
  } else if (paths.length === 1 && only !== undefined && existsSync(only)) {
    const simple = staticKubeconfig(readFileSync(only, "utf8"), only);
    if (simple !== undefined) return simple;
  }
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kubeConfig = new KubeConfig();
  if (paths.length === 1 && only !== undefined) kubeConfig.loadFromFile(only);
  else kubeConfig.loadFromDefault();
  return kubeConfig;
}
