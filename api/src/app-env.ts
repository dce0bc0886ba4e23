/** The typed Hono environment of the API Worker: its bindings and per-request variables. */
import type { Principal } from "./auth/tokens.ts";
import type { ApiEnv } from "./env.ts";
import type { RunJournal } from "./hooks/journal.ts";
import type { Logger } from "./logging/index.ts";

export interface AppEnv {
  Bindings: ApiEnv;
  Variables: {
    requestId: string;
    log: Logger;
    principal: Principal;
    /** Set on routes that run hooks: the id their trace is stored under. */
    traceId: string;
    /** Set with the trace id: the request's plugin-call accounting and traces, written with its commit. */
    journal: RunJournal;
  };
}
