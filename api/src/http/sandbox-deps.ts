/**
 * What a request hands the sandbox to run plugin code: bindings, loopback exports, waitUntil and its
 * logger; and, on routes with a journal (trace-context.ts), where its calls' accounting goes.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { SandboxDeps } from "../sandbox/index.ts";

export function sandboxDepsOf(c: Context<AppEnv>): SandboxDeps {
  const journal = c.get("journal");
  return {
    env: c.env,
    exports: c.executionCtx.exports,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    log: c.get("log"),
    ...(journal ? { calls: journal.calls } : {}),
  };
}
