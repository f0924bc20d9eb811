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
