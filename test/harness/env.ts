// The contract between the harness and its users: endpoints and credentials of one running environment.
import { z } from "zod";

export const harnessEnvSchema = z.object({
  /** Path of a kubeconfig with cluster-admin rights on the local control plane. */
  kubeconfig: z.string().min(1),
  apiServerUrl: z.url(),
  /** Path of the kubectl built from the same Kubernetes release as the control plane. */
  kubectl: z.string().min(1),
  /** Path of a kubeconfig for a user with no RBAC grants, for least-privilege tests. */
  unprivilegedKubeconfig: z.string().min(1),
  awsEndpoint: z.url(),
  awsRegion: z.string().min(1),
  runDir: z.string().min(1),
});

export type HarnessEnv = z.infer<typeof harnessEnvSchema>;

/** Static credentials for the emulator. They are not secrets: moto accepts any. */
export const emulatorCredentials = { accessKeyId: "testing", secretAccessKey: "testing" } as const;

/** Configuration for any AWS SDK v3 client pointed at the emulator. */
export function awsClientConfig(env: Pick<HarnessEnv, "awsEndpoint" | "awsRegion">) {
  return {
    endpoint: env.awsEndpoint,
    region: env.awsRegion,
    credentials: emulatorCredentials,
    forcePathStyle: true,
    maxAttempts: 1,
  };
}

/**
 * The environment variables that point an operator process (src/main.ts) at the emulator: endpoint, region,
 * credentials, path-style S3, and moto's per-pool JWKS URL (allowed as insecure). Callers add the operator's own settings.
 */
export function emulatorOperatorEnv(env: Pick<HarnessEnv, "awsEndpoint" | "awsRegion">): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: env.awsEndpoint,
    AWS_REGION: env.awsRegion,
    AWS_ACCESS_KEY_ID: emulatorCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulatorCredentials.secretAccessKey,
    AWS_S3_FORCE_PATH_STYLE: "true",
    COGNITO_JWKS_URL_TEMPLATE: emulatorJwksUrlTemplate(env),
    // moto serves the JWKS over plain http on loopback: a development-only setting the operator warns about.
    ALLOW_INSECURE_JWKS_URL: "true",
  };
}

/** moto serves each pool's JWKS at /<poolId>/.well-known/jwks.json on its own endpoint. */
export function emulatorJwksUrlTemplate(env: Pick<HarnessEnv, "awsEndpoint">): string {
  return `${env.awsEndpoint}/{userPoolId}/.well-known/jwks.json`;
}
