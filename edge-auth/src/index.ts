// Lambda@Edge entry point (handler string `index.handler`): loads config.json from beside the bundle at cold start.
import { readFileSync } from "./builtins.ts";
import { parseRuntimeConfig } from "./config.ts";
import { createHandler, createUnavailableHandler, type ViewerRequestHandler } from "./handler.ts";

function loadHandler(): ViewerRequestHandler {
  try {
    const text = readFileSync(new URL("config.json", import.meta.url), "utf8");
    return createHandler(parseRuntimeConfig(JSON.parse(text)));
  } catch (error) {
    // Fail closed with a log line rather than an init crash that CloudFront would turn into opaque 503s.
    return createUnavailableHandler(error);
  }
}

export const handler: ViewerRequestHandler = loadHandler();
