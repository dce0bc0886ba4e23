/**
 * The sessions capability: what `context.sessions` reaches in an auth plugin's isolate. The props name
 * the tenant and the plugin, so a sign-in always runs the platform's own `signIn` with THIS plugin as
 * the provider (before_authenticate, its `authenticate`, the session and the hooks, or
 * authentication_failed), and a sign-out only reaches sessions this plugin opened. It answers values,
 * not errors: an error's class and fields do not survive the isolate boundary.
 *
 * The loader grants it only to auth plugins whose tenant granted `sessions` at install; the manifest
 * schema refuses it for any other category.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import type { SessionErrorCode, SessionOutcome, SignedInSession } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import type { ApiEnv } from "../env.ts";
import { PlatformError } from "../errors/index.ts";
import { HookError, type HookRun } from "../hooks/index.ts";
import { ledgerDb } from "../ledger/index.ts";
import { serviceLogger } from "../logging/index.ts";
import { type CapabilityProps, recordSecurityEvent } from "../sandbox/index.ts";
import { CommerceError } from "./errors.ts";
import { signIn, signOut } from "./sessions.ts";

/** Credentials are the client's words to the plugin's authenticate: JSON, and not a payload to store. */
const MAX_CREDENTIALS_BYTES = 16 * 1024;

const credentialsSchema = z.record(z.string(), z.json());
// the trace ids the platform gives requests (http/trace-context.ts); anything else is not one of ours
const optionsSchema = z.object({
  trace_id: z
    .string()
    .regex(/^tr_[0-9a-f]{32}$/)
    .optional(),
});
const sessionId = z.string().regex(/^ses_[A-Za-z0-9_-]{1,100}$/, "must be a session id (ses_…)");

const refused = (code: SessionErrorCode, message: string, reason?: string): SessionOutcome<never> => ({
  ok: false,
  error: { code, message, ...(reason ? { reason } : {}) },
});

const pluginErrorCode = z.object({ plugin_error: z.object({ code: z.string() }) });

/** A refusal of the platform's sign-in or sign-out as the plugin gets it; anything unexpected stays an error. */
function refusalOf(error: unknown): SessionOutcome<never> {
  if (error instanceof CommerceError && error.code === "AUTHENTICATION_FAILED") {
    const details = pluginErrorCode.safeParse(error.details);
    return refused(
      "AUTHENTICATION_FAILED",
      error.message,
      details.success ? details.data.plugin_error.code : undefined,
    );
  }
  if (error instanceof HookError && error.code === "HOOK_VETOED") return refused("HOOK_VETOED", error.message);
  if (error instanceof PlatformError) return refused("SIGN_IN_FAILED", `${error.code}: ${error.message}`);
  throw error;
}

export class SessionsCapability extends WorkerEntrypoint<ApiEnv, CapabilityProps> {
  /** The run of this call: the plugin's request's trace id, so the session and its events carry it. */
  #run(options: unknown): HookRun | SessionOutcome<never> {
    const parsed = optionsSchema.safeParse(options ?? {});
    if (!parsed.success) return refused("INVALID_ARGUMENT", "options.trace_id must be the request's trace id");
    const { tenantId, slug } = this.ctx.props;
    return {
      tenantId,
      traceId: parsed.data.trace_id ?? `tr_${crypto.randomUUID().replaceAll("-", "")}`,
      deps: {
        env: this.env,
        exports: this.ctx.exports,
        waitUntil: (promise: Promise<unknown>) => this.ctx.waitUntil(promise),
        log: serviceLogger("commerce-api", this.env.LOG_LEVEL).child({ tenant: tenantId, plugin: slug }),
      },
      db: ledgerDb(this.env, tenantId),
    };
  }

  async signIn(rawCredentials: unknown, options?: unknown): Promise<SessionOutcome<SignedInSession>> {
    const credentials = credentialsSchema.safeParse(rawCredentials);
    if (!credentials.success) {
      return refused("INVALID_ARGUMENT", "credentials must be an object of JSON values, as authenticate receives them");
    }
    if (JSON.stringify(credentials.data).length > MAX_CREDENTIALS_BYTES) {
      return refused("INVALID_ARGUMENT", `credentials may be at most ${MAX_CREDENTIALS_BYTES} bytes of JSON`);
    }
    const run = this.#run(options);
    if ("ok" in run) return run;
    try {
      // a browser signing in through the plugin becomes the store's user on its first sign-in
      const signed = await signIn(run, { provider: this.ctx.props.slug, credentials: credentials.data, enroll: true });
      return {
        ok: true,
        value: {
          session_id: signed.session.id,
          user: signed.user,
          token: signed.token,
          ...(signed.refresh_token ? { refresh_token: signed.refresh_token } : {}),
          expires_at: signed.session.expires_at,
        },
      };
    } catch (error) {
      return refusalOf(error);
    }
  }

  async signOut(rawSessionId: unknown, options?: unknown): Promise<SessionOutcome<null>> {
    const id = sessionId.safeParse(rawSessionId);
    if (!id.success) return refused("INVALID_ARGUMENT", `sessionId ${id.error.issues[0]?.message ?? "is invalid"}`);
    const run = this.#run(options);
    if ("ok" in run) return run;
    const { tenantId, slug } = this.ctx.props;
    const row = await run.db
      .prepare("SELECT provider FROM sessions WHERE tenant_id = ? AND id = ?")
      .bind(tenantId, id.data)
      .first<{ provider: string }>();
    if (!row) return refused("NO_SESSION", `This store has no session ${id.data}.`);
    if (row.provider !== slug) {
      // recorded before refusing: reaching for another provider's sessions is worth knowing about
      await recordSecurityEvent(run.db, {
        tenantId,
        slug,
        kind: "session_denied",
        detail: `signOut(${id.data}): a session ${row.provider} opened`,
      });
      return refused(
        "SESSION_NOT_YOURS",
        `${slug} may only sign out sessions it opened; ${id.data} is not one of them.`,
      );
    }
    try {
      await signOut(run, id.data);
      return { ok: true, value: null };
    } catch (error) {
      return refusalOf(error);
    }
  }
}
