// The walkthrough `make dev` prints: copy-ready curl commands against the edge emulator, each sent once before
// it is printed so that the result shown beside it is the one observed, not the one hoped for.
import { setTimeout as sleep } from "node:timers/promises";
import { kubectl, type HarnessEnv } from "../test/harness/api.ts";

interface Header {
  readonly name: string;
  /** As the printed command spells it (with $MEMBER_TOKEN), and as the check sends it. */
  readonly shell: string;
  readonly value: string;
}

interface Step {
  readonly what: string;
  readonly url: string;
  readonly headers: readonly Header[];
  readonly expected: string;
  /** Print the number of bytes received beside the status. */
  readonly showSize?: boolean;
}

export interface WalkthroughInput {
  /** The edge emulator's URL and the object path of the lesson video. */
  readonly edgeUrl: string;
  readonly objectPath: string;
  readonly videoBytes: number;
  /** The bucket's own URL in the emulated S3. */
  readonly bucketUrl: string;
  readonly memberToken: string;
  readonly visitorToken: string;
  readonly memberCookieName: string;
}

function curlCommand(step: Step): string {
  const format = step.showSize === true ? "%{http_code} %{size_download}\\n" : "%{http_code}\\n";
  const headers = step.headers.map((h) => ` -H "${h.name}: ${h.shell}"`).join("");
  return `curl -s -o /dev/null -w '${format}'${headers} ${step.url}`;
}

/** What the printed command gives, found by sending the same request. */
async function observe(step: Step): Promise<string> {
  const response = await fetch(step.url, { headers: Object.fromEntries(step.headers.map((h) => [h.name, h.value])) });
  const size = (await response.arrayBuffer()).byteLength;
  return step.showSize === true ? `${response.status} ${size}` : String(response.status);
}

function steps(input: WalkthroughInput): Step[] {
  const videoUrl = `${input.edgeUrl}${input.objectPath}`;
  const member: Header = { name: "Authorization", shell: "Bearer $MEMBER_TOKEN", value: `Bearer ${input.memberToken}` };
  const cookie = input.memberCookieName;
  return [
    { what: "a paid student, with the Authorization header: the whole video", url: videoUrl, headers: [member], expected: `200 ${input.videoBytes}`, showSize: true },
    {
      what: "a paid student, with the Amplify cookie a <video> element sends",
      url: videoUrl,
      headers: [{ name: "Cookie", shell: `${cookie}=$MEMBER_TOKEN`, value: `${cookie}=${input.memberToken}` }],
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
      headers: [{ name: "Authorization", shell: "Bearer $VISITOR_TOKEN", value: `Bearer ${input.visitorToken}` }],
      expected: "403",
    },
    { what: "no token", url: videoUrl, headers: [], expected: "401" },
    { what: "the bucket itself, anonymously: private", url: `${input.bucketUrl}${input.objectPath}`, headers: [], expected: "403" },
  ];
}

/** Runs every step and returns the text to print, and whether each result matched what the step expects. */
export async function walkthrough(input: WalkthroughInput): Promise<{ text: string; allAsExpected: boolean }> {
  const lines: string[] = [];
  let allAsExpected = true;
  for (const step of steps(input)) {
    const observed = await observe(step);
    const asExpected = observed === step.expected;
    allAsExpected &&= asExpected;
    lines.push(`  # ${step.what}`, `  ${curlCommand(step)}`, `  → ${observed}${asExpected ? "" : `   (expected ${step.expected}!)`}`, "");
  }
  return { text: lines.join("\n"), allAsExpected };
}

/** The first lines `make dev` prints: the course page, where a person sees it all in a browser. */
export function coursePageIntro(appUrl: string): string {
  return [
    `The course page: ${appUrl}`,
    "  Sign in as the paid student (the video plays, the quiz shows) or as the visitor (403); signed out: 401.",
    "  It stores the ID token in Amplify's cookies, which reach the edge emulator on the same host name.",
  ].join("\n");
}

export interface RefusalInput {
  /** The demo bucket, which consents only to the demo's namespace and which the class grants only to it. */
  readonly bucket: string;
  /** Another namespace, which the class does not select. */
  readonly namespace: string;
  readonly pool: { readonly userPoolId: string; readonly clientId: string };
}

/**
 * The tenancy part of the walkthrough: a SecuredContentBucket in another namespace naming the demo bucket, which
 * that namespace was never granted. It is applied and its Stalled condition read before it is printed; the
 * operator refuses it before any AWS call, so the bucket stays as the demo left it.
 */
export async function refusal(env: HarnessEnv, input: RefusalInput): Promise<{ text: string; asExpected: boolean }> {
  const name = "borrowed-courses";
  const resource = {
    apiVersion: "securedcontent.io/v1alpha1",
    kind: "SecuredContentBucket",
    metadata: { name, namespace: input.namespace },
    spec: {
      bucket: { name: input.bucket, region: "us-east-1" },
      auth: { userPoolId: input.pool.userPoolId, clientIds: [input.pool.clientId], requiredGroups: ["paid-students"] },
    },
  };
  await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(resource) });
  const jsonPath = '{.status.conditions[?(@.type=="Stalled")].reason}: {.status.conditions[?(@.type=="Stalled")].message}';
  let observed = "";
  for (let attempt = 0; attempt < 100 && !observed.startsWith("NotAllowed"); attempt += 1) {
    observed = (await kubectl(env, ["get", "scb", name, "-n", input.namespace, "-o", `jsonpath=${jsonPath}`])).trim();
    if (!observed.startsWith("NotAllowed")) await sleep(100);
  }
  const asExpected = observed.startsWith("NotAllowed");
  const lines = [
    `  # another namespace (${input.namespace}) naming the same bucket: its class does not allow it, so it stays Stalled`,
    `  # and the operator makes no AWS call for it (the bucket's consent tag names only the demo's namespace, too)`,
    `  kubectl get scb ${name} -n ${input.namespace} -o jsonpath='${jsonPath}'`,
    `  → ${observed}${asExpected ? "" : "   (expected Stalled NotAllowed!)"}`,
    "",
  ];
  return { text: lines.join("\n"), asExpected };
}
