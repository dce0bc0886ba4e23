/**
 * Structured JSON logs with pino. Workers have no stdout stream, so lines go to
 * console.log, which workerd and `wrangler tail` collect. Every line carries the
 * request id, tenant and plugin bound by the caller through `child()`.
 */
// The Node build, not the browser build the "browser" field selects: only it has redaction and destinations.
import pino, { type Logger } from "pino/pino.js";

export type { Logger } from "pino";

const levels = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** Setting keys whose values never reach a log line, whatever the plugin names them. */
export const redactedPaths = [
  "token",
  "authorization",
  "*.token",
  "*.authorization",
  "*.secret",
  "*.api_key",
  "*.password",
  "config.*",
];

export function createLogger(level: string | undefined, base: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level: level && levels.has(level) ? level : "info",
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: "message",
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactedPaths, censor: "[redacted]" },
    },
    { write: (line: string) => console.log(line.trimEnd()) },
  );
}

// pino compiles its serializers and redaction per root logger: build one per service and level per isolate
const roots = new Map<string, Logger>();

/** The isolate's root logger for `service` at `level`; bind request, tenant and plugin with `child()`. */
export function serviceLogger(service: string, level: string | undefined): Logger {
  const key = `${service}\u0000${level ?? ""}`;
  let root = roots.get(key);
  if (!root) {
    root = createLogger(level, { service });
    roots.set(key, root);
  }
  return root;
}

/**
 * `parent.child(bindings)`, made only when something is logged through it. A request binds its id,
 * tenant and trace in three children, and most requests log nothing: pino serialises a child's
 * bindings when it is made, which was about 4% of the API isolate's time on the hot path (README,
 * Benchmarks). Children of a lazy child stay lazy, their bindings merged (a later key wins).
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let made: Logger | undefined;
  const real = (): Logger => {
    made ??= parent.child(bindings);
    return made;
  };
  return new Proxy({} as Logger, {
    get(_, key) {
      if (key === "child") {
        return (more: Record<string, unknown>, options?: unknown) =>
          options === undefined && made === undefined
            ? lazyChild(parent, { ...bindings, ...more })
            : real().child(more, options as never);
      }
      const logger = real();
      const value = Reflect.get(logger, key, logger);
      return typeof value === "function" ? value.bind(logger) : value;
    },
    set(_, key, value) {
      const logger = real();
      return Reflect.set(logger, key, value, logger);
    },
  });
}
