// The course page as `make dev` runs it: the Content Delivery example following the demo resource's exported
// ConfigMap, and the page on http://localhost:<port>, the edge emulator's host name on another port, so the
// cookie the page writes reaches the edge as it would under a shared parent domain.
import { startContentDelivery } from "../../examples/content-delivery/src/service.ts";
import { writeAdminCredentialFiles, type HarnessEnv, type SeededPool } from "../../test/harness/api.ts";
import { demo } from "../demo.ts";
import { startCoursePage, type CoursePage } from "./server.ts";

export interface DemoCoursePage {
  readonly page: CoursePage;
  readonly contentDeliveryUrl: string;
}

/** The origin the demo resource lists in spec.cors.allowedOrigins, for a page on `port`. */
export const coursePageOrigin = (port: number): string => `http://localhost:${String(port)}`;

/** The example resource with the course page's origin allowed (inserted under `spec:`). */
export function withCoursePageCors(manifest: string, port: number): string {
  return manifest.replace(/^spec:\n/m, `spec:\n  cors:\n    allowedOrigins:\n      - ${coursePageOrigin(port)}  # the course page of make dev\n`);
}

export async function startDemoCoursePage(
  env: HarnessEnv,
  pool: SeededPool,
  where: { readonly pagePort: number; readonly edge: { readonly domainName: string; readonly url: string } },
): Promise<DemoCoursePage> {
  const { edge } = where;
  const credentials = await writeAdminCredentialFiles(env, "content-delivery");
  const contentDelivery = await startContentDelivery(
    {
      source: { kind: "configmap", name: "courses-content", namespace: demo.namespace },
      port: 0,
      host: "127.0.0.1",
      apiServer: new URL(env.apiServerUrl),
      ...credentials,
    },
    { log: () => undefined },
  );
  const page = await startCoursePage({
    port: where.pagePort,
    clientId: pool.clientId,
    users: [
      { username: demo.member, label: "Sign in as a paid student" },
      { username: demo.visitor, label: "Sign in as a visitor" },
    ],
    signIn: async (username) => (await pool.signIn(username)).idToken,
    contentDeliveryUrl: contentDelivery.url,
    edgeUrls: { [edge.domainName]: edge.url.replace("127.0.0.1", "localhost") },
    quizKey: "quizzes/quiz-1.json",
    videoKey: demo.objectPath.slice(1),
  });
  return { page, contentDeliveryUrl: contentDelivery.url };
}
