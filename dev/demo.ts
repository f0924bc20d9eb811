// The demo `make dev` seeds into the emulator: the article's starting point, as a platform team would have it
// before installing the operator. A bucket of course content that anyone can read, a Cognito pool whose
// paid-students group has one member (and one signed-in user outside it), and the edge function's role. The
// bucket's owners have consented to the learning namespace of the dev cluster with the consent tag.
import {
  consentToConsumers,
  courseContent,
  createEdgeRole,
  createPublicContentBucket,
  seedUserPool,
  type ContentObject,
  type HarnessEnv,
  type SeededPool,
} from "../test/harness/api.ts";

/** Names the demo uses, in the emulator, in the cluster and in the walkthrough. */
export const demo = {
  bucket: "simple-aws-courses-content",
  namespace: "learning",
  name: "courses",
  objectPath: "/videos/lesson-1.webm",
  group: "paid-students",
  member: "member",
  visitor: "visitor",
  /** The operator's CLUSTER_NAME, which the consent tag names. */
  cluster: "dev",
  className: "courses",
  /** A namespace the class does not allow: its resource naming the demo bucket is refused. */
  otherNamespace: "marketing",
} as const;


export interface SeededDemo {
  readonly content: readonly ContentObject[];
  readonly pool: SeededPool;
  readonly edgeRoleArn: string;
}

export async function seedDemo(env: Pick<HarnessEnv, "awsEndpoint" | "awsRegion">): Promise<SeededDemo> {
  const content = courseContent();
  await createPublicContentBucket(env, demo.bucket, content);
  // The bucket's owners consent to the learning namespace of this cluster.
  await consentToConsumers(env, demo.bucket, [`${demo.cluster}/${demo.namespace}`]);
  const pool = await seedUserPool(env, {
    poolName: "courses",
    groups: [demo.group],
    users: [
      { username: demo.member, groups: [demo.group] },
      { username: demo.visitor, groups: [] },
    ],
  });
  const edgeRoleArn = await createEdgeRole(env);
  return { content, pool, edgeRoleArn };
}
