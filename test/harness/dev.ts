// `make dev`: the whole thing locally. The environment, a demo seeded as the article's starting point (a
// public bucket of course content, a Cognito pool with a paid-students group and two users), the CRD, the
// operator itself (src/main.ts, configured for the emulator), the example SecuredContentBucket applied until
// Ready, and the edge emulator serving its distribution. It ends with a walkthrough whose every result was
// checked before it was printed, and .dev/endpoints.json for scripts.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crdFilePath } from "../../tools/crd/render.ts";
import { startEdgeEmulator } from "../edge-emulator/server.ts";
import { courseContent, createEdgeRole, createPublicContentBucket } from "./aws-seed.ts";
import { seedUserPool } from "./cognito.ts";
import { devDir, runUntilInterrupted, shellExports, startDevEnvironment } from "./dev-environment.ts";
import { emulatorOperatorEnv } from "./env.ts";
import { kubectl } from "./kubectl.ts";
import { freePort } from "./ports.ts";
import { repoRoot } from "./paths.ts";
import { startProcess } from "./process.ts";

const progress = (line: string): void => { console.log(`[dev] ${line}`); };
const bucket = "simple-aws-courses-content";
const namespace = "learning";
const name = "courses";
const objectPath = "/videos/lesson-1.mp4";

interface DemoHeader {
  readonly name: string;
  /** As the printed command spells it (with $MEMBER_TOKEN), and as the check sends it. */
  readonly shell: string;
  readonly value: string;
}

interface DemoStep {
  readonly what: string;
  readonly url: string;
  readonly headers: readonly DemoHeader[];
  readonly expected: string;
  /** Print the number of bytes received beside the status. */
  readonly showSize?: boolean;
}

function curlCommand(step: DemoStep): string {
  const format = step.showSize === true ? "%{http_code} %{size_download}\\n" : "%{http_code}\\n";
  const headers = step.headers.map((h) => ` -H "${h.name}: ${h.shell}"`).join("");
  return `curl -s -o /dev/null -w '${format}'${headers} ${step.url}`;
}

/** What the printed command gives, found by sending the same request. */
async function observe(step: DemoStep): Promise<string> {
  const response = await fetch(step.url, { headers: Object.fromEntries(step.headers.map((h) => [h.name, h.value])) });
  const size = (await response.arrayBuffer()).byteLength;
  return step.showSize === true ? `${response.status} ${size}` : String(response.status);
}

async function walkthrough(steps: readonly DemoStep[]): Promise<{ text: string; allAsExpected: boolean }> {
  const lines: string[] = [];
  let allAsExpected = true;
  for (const step of steps) {
    const observed = await observe(step);
    const asExpected = observed === step.expected;
    allAsExpected &&= asExpected;
    lines.push(`  # ${step.what}`, `  ${curlCommand(step)}`, `  → ${observed}${asExpected ? "" : `   (expected ${step.expected}!)`}`, "");
  }
  return { text: lines.join("\n"), allAsExpected };
}

const environment = await startDevEnvironment(progress);
const { env } = environment;

progress("seeding the demo: a public bucket of course content, a Cognito pool, the edge execution role");
const content = courseContent();
await createPublicContentBucket(env, bucket, content);
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
// The CRD file itself: crds/ also holds a kustomization, which `kubectl apply -f <dir>` cannot apply.
await kubectl(env, ["apply", "-f", crdFilePath]);
await kubectl(env, ["wait", "--for=condition=Established", "crd/securedcontentbuckets.securedcontent.io", "--timeout=60s"]);
await kubectl(env, ["create", "namespace", namespace]);

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
    ...emulatorOperatorEnv(env),
    EDGE_FUNCTION_ROLE_ARN: edgeRoleArn,
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
await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", `scb/${name}`, "--timeout=120s"]);
const table = await kubectl(env, ["get", "scb", "-n", namespace, "-o", "wide"]);
const distributionId = await kubectl(env, ["get", "scb", "-n", namespace, name, "-o", "jsonpath={.status.distribution.id}"]);

const functionLog = join(env.runDir, "logs", "edge-function.log");
const emulator = await startEdgeEmulator({
  env,
  distributionId,
  workDir: env.runDir,
  functionLog: (line) => { appendFileSync(functionLog, `${line}\n`); },
  onError: (error) => { progress(`edge emulator: ${error.message}`); },
});
progress(`edge emulator serving distribution ${distributionId} (${emulator.domainName}) at ${emulator.url}`);

const memberToken = (await pool.signIn("member")).idToken;
const nonMemberToken = (await pool.signIn("visitor")).idToken;
const cookieName = `CognitoIdentityServiceProvider.${pool.clientId}.member.idToken`;
writeFileSync(
  join(devDir, "endpoints.json"),
  `${JSON.stringify(
    {
      edgeUrl: emulator.url,
      objectPath,
      memberToken,
      nonMemberToken,
      memberCookieName: cookieName,
      kubeconfig: env.kubeconfig,
      awsEndpoint: env.awsEndpoint,
      awsRegion: env.awsRegion,
      bucket,
      namespace,
      name,
      distributionId,
      distributionDomainName: emulator.domainName,
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      operatorLog,
      edgeFunctionLog: functionLog,
    },
    null,
    2,
  )}\n`,
);

const videoBytes = content.find((object) => `/${object.key}` === objectPath)?.body.length ?? 0;
const videoUrl = `${emulator.url}${objectPath}`;
const member: DemoHeader = { name: "Authorization", shell: "Bearer $MEMBER_TOKEN", value: `Bearer ${memberToken}` };
const demo = await walkthrough([
  { what: "a paid student, with the Authorization header: the whole video", url: videoUrl, headers: [member], expected: `200 ${videoBytes}`, showSize: true },
  {
    what: "a paid student, with the Amplify cookie a <video> element sends",
    url: videoUrl,
    headers: [{ name: "Cookie", shell: `${cookieName}=$MEMBER_TOKEN`, value: `${cookieName}=${memberToken}` }],
    expected: "200",
  },
  {
    what: "seeking: the first KiB of the video, as a Range request",
    url: videoUrl,
    headers: [member, { name: "Range", shell: "bytes=0-1023", value: "bytes=0-1023" }],
    expected: "206 1024",
    showSize: true,
  },
  {
    what: "signed in, but not in paid-students",
    url: videoUrl,
    headers: [{ name: "Authorization", shell: "Bearer $VISITOR_TOKEN", value: `Bearer ${nonMemberToken}` }],
    expected: "403",
  },
  { what: "no token", url: videoUrl, headers: [], expected: "401" },
  { what: "the bucket itself, anonymously: private", url: `${env.awsEndpoint}/${bucket}${objectPath}`, headers: [], expected: "403" },
]);

console.log(`
${table}
The bucket is private now. Its content is served only through distribution ${distributionId}, which the edge
emulator answers for at ${emulator.url}, running the edge function exactly as the operator deployed it.

ID tokens of the two demo users (valid for an hour; also in .dev/endpoints.json):
export MEMBER_TOKEN='${memberToken}'
export VISITOR_TOKEN='${nonMemberToken}'

Then, in the same shell (each result below was checked just now):

${demo.text}
  The quiz and the assignment:
  curl -s -H "Authorization: Bearer $MEMBER_TOKEN" ${emulator.url}/quizzes/quiz-1.json
  curl -s -H "Authorization: Bearer $MEMBER_TOKEN" ${emulator.url}/assignments/assignment-1.md

More, from another shell:
${shellExports(environment)}
  kubectl describe scb -n ${namespace} ${name}
  kubectl get configmap -n ${namespace} courses-content -o yaml
  tail -f ${functionLog}      # the edge function's log: one line per denial, never a token
  curl -s 127.0.0.1:${metricsPort}/metrics | grep securedcontent_

Press Ctrl-C to stop everything.`);
if (!demo.allAsExpected) progress("some results differ from what the walkthrough says; see the operator's log");
runUntilInterrupted();
