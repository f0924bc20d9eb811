// The course page as a process of its own, configured by COURSE_PAGE_CONFIG (JSON): how the browser tests run
// the same page `make dev` serves, without importing dev/.
import { z } from "zod";
import { signInSeededUser } from "../../test/harness/api.ts";
import { startCoursePage } from "./server.ts";

const configSchema = z.object({
  port: z.int().min(1).max(65_535),
  awsEndpoint: z.url(),
  awsRegion: z.string().min(1),
  userPoolId: z.string().min(1),
  clientId: z.string().min(1),
  users: z.array(z.object({ username: z.string().min(1), label: z.string().min(1) })).min(1),
  contentDeliveryUrl: z.url(),
  edgeUrls: z.record(z.string(), z.url()),
  quizKey: z.string().min(1),
  videoKey: z.string().min(1),
});

const config = configSchema.parse(JSON.parse(process.env["COURSE_PAGE_CONFIG"] ?? "{}"));
const page = await startCoursePage({
  ...config,
  signIn: async (username) => (await signInSeededUser(config, config, username)).idToken,
});
console.log(JSON.stringify({ level: "info", msg: "course page listening", url: page.url }));
process.once("SIGTERM", () => { void page.stop().then(() => process.exit(0)); });
