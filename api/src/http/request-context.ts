/** Gives every request an id (echoed as x-request-id) and a logger that carries it. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { lazyChild, serviceLogger } from "../logging/index.ts";

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  // a caller's id is kept only when it is a plausible id: it goes into every log line
  const given = c.req.header("x-request-id");
  const requestId = given && /^[\w.:-]{1,100}$/.test(given) ? given : crypto.randomUUID();
  c.set("requestId", requestId);
  // lazy: the tenant and trace children the next middlewares add are made only if a line is written
  c.set("log", lazyChild(serviceLogger("commerce-api", c.env.LOG_LEVEL), { request_id: requestId }));
  c.header("x-request-id", requestId);
  await next();
});
