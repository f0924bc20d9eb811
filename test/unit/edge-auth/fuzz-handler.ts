// The handler as the fuzz tests drive it: a fixed clock, no network, and the denial reason read from its log.
import type { EdgeConfig, TokenSource } from "../../../edge-auth/src/config.ts";
import type { DenialReason } from "../../../edge-auth/src/errors.ts";
import type { CloudFrontHeaders, CloudFrontRequestEvent } from "../../../edge-auth/src/event.ts";
import { createHandler, type LogEntry } from "../../../edge-auth/src/handler.ts";
import { fixedNowMs, testConfig } from "./fixtures.ts";

export interface HandlerVerdict {
  readonly status: "forwarded" | "204" | "401" | "403" | "500";
  readonly reason?: DenialReason;
  readonly logs: number;
  readonly authorizationForwarded: boolean;
  /** The generated response's headers, or the forwarded request's. */
  readonly headers: CloudFrontHeaders;
}

export function fuzzHandler(tokenSources: readonly TokenSource[] = ["authorizationHeader", "cookie"], overrides: Partial<EdgeConfig> = {}) {
  let logs: LogEntry[] = [];
  const handler = createHandler(testConfig({ tokenSources, ...overrides }), {
    now: () => fixedNowMs,
    log: (entry) => logs.push(entry),
    fetch: () => Promise.reject(new Error("the fuzz never needs the network")),
  });
  return async (event: CloudFrontRequestEvent): Promise<HandlerVerdict> => {
    logs = [];
    const result = await handler(event);
    const denial = logs.find((entry) => entry.msg === "request denied");
    const reason = denial !== undefined && "reason" in denial ? denial.reason : undefined;
    if ("status" in result && typeof result.status === "string") {
      const status = result.status as HandlerVerdict["status"];
      return { status, ...(reason === undefined ? {} : { reason }), logs: logs.length, authorizationForwarded: false, headers: result.headers };
    }
    return { status: "forwarded", logs: logs.length, authorizationForwarded: "authorization" in result.headers, headers: result.headers };
  };
}
