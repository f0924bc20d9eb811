// The course page's own server: the article's frontend, on an origin of its own. It serves the page (plain HTML
// and one ES module, no build step) and two small endpoints the page calls on its own origin: signing a demo
// user in through the emulated Cognito (the browser cannot run Cognito's admin sign-in itself), and asking the
// Content Delivery service for a content URL.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { z } from "zod";

export interface DemoUser {
  readonly username: string;
  /** What the page's sign-in button says. */
  readonly label: string;
}

export interface CoursePageOptions {
  /** Where to listen; the page is meant to be opened as http://localhost:<port>, the edge's host name. */
  readonly port: number;
  /** The app client whose cookies the page writes (Amplify's names carry it). */
  readonly clientId: string;
  readonly users: readonly DemoUser[];
  /** Signs a demo user in through the emulated Cognito and returns the ID token. */
  signIn(username: string): Promise<string>;
  /** The Content Delivery service: GET /courses/<key> answers {"url": "https://<distribution domain>/<key>"}. */
  readonly contentDeliveryUrl: string;
  /**
   * Where each distribution domain is served on this machine (its edge emulator's URL): the stand-in for DNS,
   * since d….cloudfront.net does not resolve to the emulator.
   */
  readonly edgeUrls: Readonly<Record<string, string>>;
  /** The objects the lesson shows. */
  readonly quizKey: string;
  readonly videoKey: string;
}

export interface CoursePage {
  /** http://localhost:<port> */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const assets = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
} as const;

const contentAnswerSchema = z.object({ url: z.url() });

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, "application/json", JSON.stringify(body));
}

/** The CloudFront URL for a key, from the Content Delivery service, and where this machine serves it. */
async function contentUrl(options: CoursePageOptions, key: string): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(`${options.contentDeliveryUrl}/courses/${key}`, { signal: AbortSignal.timeout(5_000) });
  const body: unknown = await answer.json();
  if (!answer.ok) return { status: answer.status, body };
  const { url } = contentAnswerSchema.parse(body);
  const cloudFront = new URL(url);
  const edge = options.edgeUrls[cloudFront.hostname];
  if (edge === undefined) return { status: 502, body: { error: `no edge emulator serves ${cloudFront.hostname} here` } };
  return { status: 200, body: { url, localUrl: `${edge}${cloudFront.pathname}${cloudFront.search}` } };
}

async function route(options: CoursePageOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const asset = url.pathname in assets ? assets[url.pathname as keyof typeof assets] : undefined;
  if (request.method === "GET" && asset !== undefined) {
    send(response, 200, asset.type, readFileSync(join(import.meta.dirname, "public", asset.file)));
  } else if (request.method === "GET" && url.pathname === "/config.json") {
    sendJson(response, 200, { clientId: options.clientId, users: options.users, quizKey: options.quizKey, videoKey: options.videoKey });
  } else if (request.method === "POST" && url.pathname === "/sign-in") {
    const username = url.searchParams.get("user") ?? "";
    if (!options.users.some((user) => user.username === username)) {
      sendJson(response, 404, { error: "no such demo user" });
      return;
    }
    sendJson(response, 200, { username, idToken: await options.signIn(username) });
  } else if (request.method === "GET" && url.pathname.startsWith("/content-url/")) {
    const answer = await contentUrl(options, url.pathname.slice("/content-url/".length));
    sendJson(response, answer.status, answer.body);
  } else {
    sendJson(response, 404, { error: "not found" });
  }
}

export async function startCoursePage(options: CoursePageOptions): Promise<CoursePage> {
  const server = createServer((request, response) => {
    route(options, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 502, { error: error instanceof Error ? error.message : String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Loopback only; both names of it, so the same page can also be opened on another origin (127.0.0.1).
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${String(port)}`,
    port,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => { resolve(); }));
      server.closeAllConnections();
      await closed;
    },
  };
}
