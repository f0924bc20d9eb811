// `make dev`: the whole thing locally. The environment, a demo seeded as the article's starting point (a
// public bucket of course content, a Cognito pool with a paid-students group), the CRD, the operator itself
// (src/main.ts, configured for the emulator), and the example SecuredContentBucket applied until Ready.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createEdgeRole, createPublicContentBucket } from "./aws-seed.ts";
import { seedUserPool } from "./cognito.ts";
import { devDir, runUntilInterrupted, shellExports, startDevEnvironment } from "./dev-environment.ts";
import { emulatorCredentials } from "./env.ts";
import { kubectl } from "./kubectl.ts";
import { freePort } from "./ports.ts";
import { repoRoot } from "./paths.ts";
import { startProcess } from "./process.ts";

const progress = (line: string): void => { console.log(`[dev] ${line}`); };
const bucket = "simple-aws-courses-content";

const environment = await startDevEnvironment(progress);
const { env } = environment;

progress("seeding the demo: a public bucket of course content, a Cognito pool, the edge execution role");
await createPublicContentBucket(env, bucket, [
  { key: "videos/lesson-1.mp4", body: new Uint8Array(64 * 1024).fill(7), contentType: "video/mp4" },
  { key: "quizzes/quiz-1.json", body: JSON.stringify({ question: "What does OAC stand for?" }), contentType: "application/json" },
  { key: "assignments/assignment-1.md", body: "# Assignment 1\nSecure a bucket.\n", contentType: "text/markdown" },
]);
const pool = await seedUserPool(env, {
  poolName: "courses",
  groups: ["paid-students"],
  users: [
    { username: "member", groups: ["paid-students"] },
    { username: "visitor", groups: [] },
  ],
});
const edgeRoleArn = await createEdgeRole(env);

progress("installing the CRD");
await kubectl(env, ["apply", "-f", join(repoRoot, "crds")]);
await kubectl(env, ["wait", "--for=condition=Established", "crd/securedcontentbuckets.securedcontent.io", "--timeout=60s"]);
await kubectl(env, ["create", "namespace", "learning"]);

const metricsPort = await freePort();
const operatorLog = join(env.runDir, "logs", "operator.log");
startProcess({
  name: "operator",
  command: process.execPath,
  args: [join(repoRoot, "src", "main.ts")],
  logFile: operatorLog,
  env: {
    ...process.env,
    KUBECONFIG: env.kubeconfig,
    AWS_ENDPOINT_URL: env.awsEndpoint,
    AWS_REGION: env.awsRegion,
    AWS_ACCESS_KEY_ID: emulatorCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulatorCredentials.secretAccessKey,
    AWS_S3_FORCE_PATH_STYLE: "true",
    EDGE_FUNCTION_ROLE_ARN: edgeRoleArn,
    COGNITO_JWKS_URL_TEMPLATE: `${env.awsEndpoint}/{userPoolId}/.well-known/jwks.json`,
    CLUSTER_NAME: "dev",
    EXPOSURE_RESYNC_SECONDS: "15",
    DEPLOYING_REQUEUE_SECONDS: "3",
    METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
  },
});
progress(`operator started; its logs: tail -f ${operatorLog}`);

const example = readFileSync(join(repoRoot, "examples", "secured-content-bucket.yaml"), "utf8")
  .replace(/userPoolId: \S+/, `userPoolId: ${pool.userPoolId}`)
  .replace(/- \S+(\s+# the web app's Cognito app client)/, `- ${pool.clientId}$1`);
const applied = join(devDir, "secured-content-bucket.yaml");
writeFileSync(applied, example);
await kubectl(env, ["apply", "-f", applied]);
progress("applied the example SecuredContentBucket; waiting for Ready (the emulated CloudFront deploys in seconds)");
await kubectl(env, ["wait", "-n", "learning", "--for=condition=Ready", "scb/courses", "--timeout=120s"]);
const table = await kubectl(env, ["get", "scb", "-n", "learning", "-o", "wide"]);
const url = await kubectl(env, ["get", "scb", "-n", "learning", "courses", "-o", "jsonpath={.status.url}"]);
const anonymous = await fetch(`${env.awsEndpoint}/${bucket}/videos/lesson-1.mp4`);

console.log(`
${table}
The bucket is private now: an anonymous GET of s3://${bucket}/videos/lesson-1.mp4 answers ${anonymous.status}.
The content is served through ${url} (emulated; an edge emulator that serves it locally is on the roadmap).

Try, from another shell:
${shellExports(environment)}
  kubectl describe scb -n learning courses
  kubectl get configmap -n learning courses-content -o yaml
  curl -s ${env.awsEndpoint}/${bucket}/videos/lesson-1.mp4 -o /dev/null -w '%{http_code}\\n'   # 403
  curl -s 127.0.0.1:${metricsPort}/metrics | grep securedcontent_

Press Ctrl-C to stop everything.`);
runUntilInterrupted();
