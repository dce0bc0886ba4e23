/**
 * The one place errors become HTTP responses: platform errors by their code,
 * Hono's own (malformed JSON) by their status, anything else as a 500 that
 * reaches the log with its stack and the client without it.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../app-env.ts";
import { PlatformError, RequestError, statusOf } from "../errors/index.ts";

export function errorResponse(error: Error, c: Context<AppEnv>): Response {
  const known = asPlatformError(error);
  const log = c.get("log");
  if (known) {
    const status = statusOf(known.code);
    log?.[status >= 500 ? "error" : "info"](
      { code: known.code, status, err: status >= 500 ? error : undefined },
      known.message,
    );
    return c.json(known.toBody(), status);
  }
  log?.error({ err: error }, "unhandled error");
  const internal = new RequestError(
    "INTERNAL",
    `Internal error; quote request id ${c.get("requestId")} when reporting it.`,
  );
  return c.json(internal.toBody(), 500);
}

function asPlatformError(error: Error): PlatformError | null {
  if (error instanceof PlatformError) return error;
  if (error instanceof HTTPException && error.status === 400) {
    return new RequestError("MALFORMED_JSON", "The request body is not valid JSON.", { cause: error.message });
  }
  return null;
}
