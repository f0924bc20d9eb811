// JSON logs with pino: a static message plus a metadata object. Anything that looks like a credential is
// redacted before it is written, as a second line of defence behind "never log a token".
import { pino, type Logger } from "pino";

export function createLogger(level: string, base: Record<string, string> = {}): Logger {
  return pino({
    level,
    base: { component: "securedcontent", ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: ["token", "*.token", "authorization", "*.authorization", "headers.authorization", "secretAccessKey", "*.secretAccessKey"],
      censor: "[redacted]",
    },
  });
}

export type { Logger };
