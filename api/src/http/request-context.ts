/** Gives every request an id (echoed as x-request-id) and a logger that carries it. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { createLogger, type Logger } from "../logging/index.ts";

// one root logger per level for the isolate's life: building pino per request would cost every request
const roots = new Map<string, Logger>();

function rootLogger(level = "info"): Logger {
  let root = roots.get(level);
  if (!root) {
    root = createLogger(level, { service: "commerce-api" });
    roots.set(level, root);
  }
  return root;
}

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = c.req.header("x-request-id") ?? crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("log", rootLogger(c.env.LOG_LEVEL).child({ request_id: requestId }));
  c.header("x-request-id", requestId);
  await next();
});
