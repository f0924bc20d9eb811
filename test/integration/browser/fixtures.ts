// The browser tests' setup: the end-to-end setup (operator, Cognito pool, content, edge emulator) with the
// resource exporting its address and allowing the course page's origin, the Content Delivery example reading
// that export, the course page as its own process (the program `make dev` serves), and Debian's Chromium
// driven by playwright-core, which never downloads a browser.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { startContentDelivery, type RunningService } from "../../../examples/content-delivery/src/service.ts";
import { ensureChromium } from "../../harness/chromium.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import { writeAdminCredentialFiles } from "../../harness/credentials.ts";
import { repoRoot } from "../../harness/paths.ts";
import { freePort } from "../../harness/ports.ts";
import { startProcess, type ManagedProcess } from "../../harness/process.ts";
import { waitFor } from "../../harness/wait.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { name, namespace, startEndToEnd, type EndToEnd } from "../e2e/fixtures.ts";

/** Where the screenshots go: a git-ignored folder, kept as test artifacts. */
export const artifactsDir = join(repoRoot, ".artifacts", "browser");

export const quizKey = "quizzes/quiz-1.json";
export const videoKey = "videos/lesson-1.webm";

export interface BrowserSetup {
  readonly e2e: EndToEnd;
  /** http://localhost:<port>: the origin listed in spec.cors.allowedOrigins. */
  readonly pageUrl: string;
  /** The same page on http://127.0.0.1:<port>: an origin the resource does not list. */
  readonly unlistedPageUrl: string;
  readonly browser: Browser;
  stop(): Promise<void>;
}

/** The Content Delivery example following the exported ConfigMap, with the harness's admin credentials. */
async function startContentDeliveryFor(env: HarnessEnv): Promise<RunningService> {
  const credentials = await writeAdminCredentialFiles(env, "browser-content-delivery");
  const source = { kind: "configmap", name: "courses-content", namespace } as const;
  return startContentDelivery({ source, port: 0, host: "127.0.0.1", apiServer: new URL(env.apiServerUrl), ...credentials }, { log: () => undefined });
}

function startCoursePageProcess(env: HarnessEnv, e2e: EndToEnd, port: number, contentDeliveryUrl: string): ManagedProcess {
  const config = {
    port,
    awsEndpoint: env.awsEndpoint,
    awsRegion: env.awsRegion,
    userPoolId: e2e.pool.userPoolId,
    clientId: e2e.pool.clientId,
    users: [
      { username: "member", label: "Sign in as a paid student" },
      { username: "visitor", label: "Sign in as a visitor" },
    ],
    contentDeliveryUrl,
    // The page and the edge share the host name, on different ports, so the page's cookie reaches the edge.
    edgeUrls: { [e2e.emulator.domainName]: e2e.emulator.url.replace("127.0.0.1", "localhost") },
    quizKey,
    videoKey,
  };
  return startProcess({
    name: "course-page",
    command: process.execPath,
    args: [join(repoRoot, "dev", "course-page", "main.ts")],
    logFile: join(env.runDir, "logs", "course-page.log"),
    env: { ...process.env, COURSE_PAGE_CONFIG: JSON.stringify(config) },
  });
}

export async function startBrowserSetup(env: HarnessEnv): Promise<BrowserSetup> {
  const executablePath = await ensureChromium((line) => { console.log(line); });
  mkdirSync(artifactsDir, { recursive: true });
  const port = await freePort();
  const pageUrl = `http://localhost:${String(port)}`;
  const e2e = await startEndToEnd(env, { cors: { allowedOrigins: [pageUrl] }, export: { configMapName: "courses-content" } });
  // The resource is deleted while the operator still runs, so the next suite finds neither it nor its AWS resources.
  const stops: (() => Promise<void>)[] = [
    () => e2e.stop(),
    async () => { await kubectl(env, ["delete", "-n", namespace, `scb/${name}`, "--timeout=60s", "--ignore-not-found"]); },
  ];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const contentDelivery = await startContentDeliveryFor(env);
    stops.push(() => contentDelivery.stop());
    const page = startCoursePageProcess(env, e2e, port, contentDelivery.url);
    stops.push(() => page.stop());
    await waitFor(
      async () => {
        if (page.exitReason() !== undefined) throw new Error(`the course page exited (${page.exitReason() ?? ""}): ${page.logTail()}`);
        const answer = await fetch(`${pageUrl.replace("localhost", "127.0.0.1")}/content-url/${quizKey}`).catch(() => undefined);
        return answer?.ok === true ? true : undefined;
      },
      { what: "the course page to hand out content URLs", timeoutMs: 30_000, intervalMs: 100 },
    );
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      // Root (as CI runs) needs --no-sandbox; localhost is pinned to the IPv4 loopback the servers listen on.
      args: ["--no-sandbox", "--host-resolver-rules=MAP localhost 127.0.0.1", "--autoplay-policy=no-user-gesture-required"],
    });
    stops.push(() => browser.close());
    return { e2e, pageUrl, unlistedPageUrl: pageUrl.replace("localhost", "127.0.0.1"), browser, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
