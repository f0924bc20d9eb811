// The course page in headless Chromium against the real processes: the operator's distribution served by the
// edge emulator, the Content Delivery example, the emulated Cognito. What a student sees: the member's video
// plays through the Amplify cookie, the non-member gets the 403, a signed-out visitor the 401, and a page on an
// origin the resource does not list cannot read the content at all.
import { join } from "node:path";
import { GetDistributionConfigCommand } from "@aws-sdk/client-cloudfront";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { clients } from "../moto/fixtures.ts";
import { artifactsDir, startBrowserSetup, type BrowserSetup } from "./fixtures.ts";

/** Opens the page in a fresh profile (no cookies), optionally signed in as a demo user, once it has loaded. */
async function openPage(context: BrowserContext, url: string, username?: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector("body[data-ready='true']", { timeout: 20_000 });
  if (username !== undefined) {
    await page.click(`button[data-user='${username}']`);
    await page.waitForSelector(`#who:has-text('Signed in as ${username}')`, { timeout: 20_000 });
    await page.waitForSelector("body[data-ready='true']", { timeout: 20_000 });
  }
  return page;
}

const stateOf = (page: Page, section: string): Promise<string | null> => page.getAttribute(`#${section}`, "data-state");

describe("the course page in Chromium", { concurrent: false }, () => {
  const env = inject("harness");
  let setup: BrowserSetup;
  const contexts: BrowserContext[] = [];

  const newContext = async (): Promise<BrowserContext> => {
    const context = await setup.browser.newContext({ viewport: { width: 900, height: 760 } });
    contexts.push(context);
    return context;
  };

  beforeAll(async () => {
    setup = await startBrowserSetup(env);
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await (setup as BrowserSetup | undefined)?.stop();
  });

  it("shows a signed-out visitor the edge's 401, readable cross-origin", async () => {
    const page = await openPage(await newContext(), setup.pageUrl);
    expect(await stateOf(page, "quiz")).toBe("401");
    expect(await page.textContent("#quiz .outcome")).toContain("401 Unauthorized");
    expect(await stateOf(page, "video")).toBe("error");
    await page.screenshot({ path: join(artifactsDir, "signed-out.png"), fullPage: true });
  });

  it("plays the lesson video for a paid student, through the Amplify cookie", async () => {
    const page = await openPage(await newContext(), setup.pageUrl, "member");
    const cookies = await page.context().cookies(setup.pageUrl);
    expect(cookies.map((cookie) => cookie.name)).toContain(`CognitoIdentityServiceProvider.${setup.e2e.pool.clientId}.member.idToken`);
    await page.waitForSelector("#video[data-state='ok']", { timeout: 20_000 });
    // Expressions evaluated in the page (the tests are type-checked without the DOM library).
    await page.evaluate("document.getElementById('lesson').play()");
    await page.waitForFunction("document.getElementById('lesson').currentTime > 1", undefined, { timeout: 20_000 });
    await page.evaluate("document.getElementById('lesson').pause()");
    await page.screenshot({ path: join(artifactsDir, "member.png"), fullPage: true });
    // The page down to the video, as README shows it.
    const video = await page.locator("#video").boundingBox();
    if (video !== null) await page.screenshot({ path: join(artifactsDir, "member-video.png"), clip: { x: 0, y: 0, width: 900, height: video.y + video.height + 16 } });
  });

  it("shows a paid student the quiz, read cross-origin with the Bearer token after a preflight", async () => {
    // The quiz's 200 is readable cross-origin through the CORS headers of the response headers policy the
    // operator attaches to the distribution.
    const { cloudFront } = clients(env);
    const config = await cloudFront.send(new GetDistributionConfigCommand({ Id: setup.e2e.distributionId }));
    expect(config.DistributionConfig?.DefaultCacheBehavior?.ResponseHeadersPolicyId).toMatch(/.+/);
    const page = await openPage(await newContext(), setup.pageUrl, "member");
    expect(await stateOf(page, "quiz")).toBe("ok");
    expect(await page.textContent("#quiz .outcome")).toBe("Lesson 1 quiz");
    expect(await page.textContent("#questions")).toContain("What does OAC stand for?");
    await page.waitForSelector("#video[data-state='ok']", { timeout: 20_000 });
    // The video playing beside the quiz, for the screenshot README shows.
    await page.evaluate("document.getElementById('lesson').play()");
    await page.waitForFunction("document.getElementById('lesson').currentTime > 1", undefined, { timeout: 20_000 });
    await page.evaluate("document.getElementById('lesson').pause()");
    await page.screenshot({ path: join(artifactsDir, "course-page.png"), fullPage: true });
  });

  it("shows a signed-in non-member the edge's 403, and plays nothing", async () => {
    const page = await openPage(await newContext(), setup.pageUrl, "visitor");
    expect(await stateOf(page, "quiz")).toBe("403");
    expect(await page.textContent("#quiz .outcome")).toContain("403 Forbidden");
    await page.waitForSelector("#video[data-state='error']", { timeout: 20_000 });
    await page.screenshot({ path: join(artifactsDir, "non-member.png"), fullPage: true });
  });

  it("lets a page on an origin the resource does not list read nothing, even for a member", async () => {
    const page = await openPage(await newContext(), setup.unlistedPageUrl, "member");
    expect(await stateOf(page, "quiz")).toBe("blocked");
    expect(await page.textContent("#questions")).toBe("");
    await page.screenshot({ path: join(artifactsDir, "unlisted-origin.png"), fullPage: true });
  });
});
