/** Gives every request an id (echoed as x-request-id) and a logger that carries it. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { createLogger, type Logger } from "../logging/index.ts";

let root: Logger | undefined;

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  root ??= createLogger(c.env.LOG_LEVEL, { service: "commerce-api" });
  const requestId = c.req.header("x-request-id") ?? crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("log", root.child({ request_id: requestId }));
  c.header("x-request-id", requestId);
  await next();
});
