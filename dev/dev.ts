// `make dev`: the whole thing locally. The environment, a demo seeded as the Simple AWS article starts (a
// public bucket of course content, a Cognito pool with a paid-students group and two users), the CRDs, the
// example SecuredContentClass, the operator itself (src/main.ts, configured for the emulator), the example
// SecuredContentBucket applied until Ready, and the edge emulator serving its distribution. It ends with a
// walkthrough whose every result was checked before it was printed (including a refusal: another namespace
// naming the demo bucket), and .dev/endpoints.json for scripts.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crdFilePaths } from "../tools/crd/render.ts";
import { startEdgeEmulator } from "../test/edge-emulator/server.ts";
import { emulatorOperatorEnv, freePort, kubectl, startProcess } from "../test/harness/api.ts";
import { startDemoCoursePage, withCoursePageCors } from "./course-page/in-dev.ts";
import { demo, seedDemo } from "./demo.ts";
import { devDir, repoRoot, runUntilInterrupted, shellExports, startDevEnvironment } from "./local-environment.ts";
import { coursePageIntro, refusal, walkthrough } from "./walkthrough.ts";

const progress = (line: string): void => { console.log(`[dev] ${line}`); };
const { bucket, namespace, name, objectPath } = demo;

const environment = await startDevEnvironment(progress);
const { env } = environment;

progress("seeding the demo: a public bucket of course content, a Cognito pool, the edge execution role");
const { content, pool, edgeRoleArn } = await seedDemo(env);

progress("installing the CRDs and the example SecuredContentClass");
// The CRD files themselves: crds/ also holds a kustomization, which `kubectl apply -f <dir>` cannot apply.
for (const path of crdFilePaths) await kubectl(env, ["apply", "-f", path]);
const crds = ["crd/securedcontentbuckets.securedcontent.io", "crd/securedcontentclasses.securedcontent.io"];
await kubectl(env, ["wait", "--for=condition=Established", ...crds, "--timeout=60s"]);
await kubectl(env, ["create", "namespace", namespace]);
await kubectl(env, ["create", "namespace", demo.otherNamespace]);
const exampleClass = readFileSync(join(repoRoot, "examples", "secured-content-class.yaml"), "utf8").replace(/- us-east-1_\S+/, `- ${pool.userPoolId}`);
const appliedClass = join(devDir, "secured-content-class.yaml");
writeFileSync(appliedClass, exampleClass);
await kubectl(env, ["apply", "-f", appliedClass]);

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
    CLUSTER_NAME: demo.cluster,
    EXPOSURE_RESYNC_SECONDS: "15",
    DEPLOYING_REQUEUE_SECONDS: "3",
    METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
  },
});
progress(`operator started; its logs: tail -f ${operatorLog}`);

const pagePort = await freePort();
const example = withCoursePageCors(readFileSync(join(repoRoot, "examples", "secured-content-bucket.yaml"), "utf8"), pagePort)
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
const { page: coursePage } = await startDemoCoursePage(env, pool, { pagePort, edge: emulator });
progress(`course page at ${coursePage.url}, with the Content Delivery example behind it`);

const memberToken = (await pool.signIn(demo.member)).idToken;
const nonMemberToken = (await pool.signIn(demo.visitor)).idToken;
const cookieName = `CognitoIdentityServiceProvider.${pool.clientId}.${demo.member}.idToken`;
writeFileSync(
  join(devDir, "endpoints.json"),
  `${JSON.stringify(
    {
      appUrl: coursePage.url,
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

const refused = await refusal(env, { bucket, namespace: demo.otherNamespace, pool });

const checked = await walkthrough({
  edgeUrl: emulator.url,
  objectPath,
  videoBytes: content.find((object) => `/${object.key}` === objectPath)?.body.length ?? 0,
  bucketUrl: `${env.awsEndpoint}/${bucket}`,
  memberToken,
  visitorToken: nonMemberToken,
  memberCookieName: cookieName,
});

console.log(`
${coursePageIntro(coursePage.url)}

${table}
The bucket is private now. Its content is served only through distribution ${distributionId}, which the edge
emulator answers for at ${emulator.url}, running the edge function exactly as the operator deployed it.

ID tokens of the two demo users (valid for an hour; also in .dev/endpoints.json):
export MEMBER_TOKEN='${memberToken}'
export VISITOR_TOKEN='${nonMemberToken}'

Then, in the same shell (each result below was checked just now):

${checked.text}
${refused.text}
  The quiz and the assignment:
  curl -s -H "Authorization: Bearer $MEMBER_TOKEN" ${emulator.url}/quizzes/quiz-1.json
  curl -s -H "Authorization: Bearer $MEMBER_TOKEN" ${emulator.url}/assignments/assignment-1.md

More, from another shell:
${shellExports(environment)}
  kubectl describe scb -n ${namespace} ${name}
  kubectl get scbclass ${demo.className} -o yaml   # what the platform team allows, and how many resources use it
  kubectl get configmap -n ${namespace} courses-content -o yaml
  tail -f ${functionLog}      # the edge function's log: one line per denial, never a token
  curl -s 127.0.0.1:${metricsPort}/metrics | grep securedcontent_

Press Ctrl-C to stop everything.`);
if (!checked.allAsExpected || !refused.asExpected) progress("some results differ from what the walkthrough says; see the operator's log");
runUntilInterrupted();
