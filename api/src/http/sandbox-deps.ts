/** What a request hands the sandbox to run plugin code: bindings, loopback exports, waitUntil and its logger. */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { SandboxDeps } from "../sandbox/index.ts";

export function sandboxDepsOf(c: Context<AppEnv>): SandboxDeps {
  return {
    env: c.env,
    exports: c.executionCtx.exports,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    log: c.get("log"),
  };
}
