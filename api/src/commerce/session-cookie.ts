/**
 * The store's session cookie (`dcp_session`) around an auth plugin's endpoint call. Only the platform
 * reads and writes it: before the call, the session it names is shown to the plugin (`context.session`)
 * when that plugin opened it; after the call, the session the call opened through the sessions
 * capability (found by provider and the request's trace id) becomes the cookie, and a session the call
 * signed out is cleared. The plugin sees neither the cookie nor any store token.
 */

import type { StoreSession } from "@digital-commerce/plugin-sdk";
import { parseCookie, stringifySetCookie } from "cookie";
import { z } from "zod";
import type { TenantDb } from "../ledger/tenant-db.ts";

export const SESSION_COOKIE = "dcp_session";

const liveRow = z.object({
  id: z.string(),
  user_id: z.string().nullable(),
  email: z.string(),
  expires_at: z.string().nullable(),
});

interface SessionScope {
  tenantId: string;
  /** The auth plugin whose endpoint runs: only its own sessions are shown, set or cleared. */
  provider: string;
}

// expiry is compared as instants, not as text: a provider may state it with any UTC offset
const live = (row: z.infer<typeof liveRow>) => row.expires_at === null || Date.parse(row.expires_at) > Date.now();

async function liveSession(statement: D1PreparedStatement): Promise<StoreSession | null> {
  const raw = await statement.first();
  if (!raw) return null;
  const row = liveRow.parse(raw);
  return live(row) ? row : null;
}

/** The live session of `provider` that the request's cookie names; null for none, or for another provider's. */
export async function storeSessionOf(
  db: TenantDb,
  scope: SessionScope,
  cookieHeader: string | undefined,
): Promise<StoreSession | null> {
  const id = cookieHeader ? parseCookie(cookieHeader)[SESSION_COOKIE] : undefined;
  if (!id) return null;
  return await liveSession(
    db
      .prepare(
        `SELECT id, user_id, email, expires_at FROM sessions
          WHERE tenant_id = ? AND provider = ? AND id = ? AND revoked_at IS NULL`,
      )
      .bind(scope.tenantId, scope.provider, id),
  );
}

const attributes = { path: "/", httpOnly: true, secure: true, sameSite: "lax" } as const;

/**
 * The Set-Cookie the answer gets after the call: the session this request opened (its Max-Age from
 * the session's expiry; a browser-session cookie without one), else a clearing one when the session
 * the request came with was signed out during the call; null when neither happened.
 */
export async function sessionCookieAfter(
  db: TenantDb,
  scope: SessionScope & { traceId: string; before: StoreSession | null },
): Promise<string | null> {
  const session = await liveSession(
    db
      .prepare(
        `SELECT id, user_id, email, expires_at FROM sessions
          WHERE tenant_id = ? AND provider = ? AND trace_id = ? AND revoked_at IS NULL
          ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      )
      .bind(scope.tenantId, scope.provider, scope.traceId),
  );
  if (session) {
    const maxAge = session.expires_at
      ? Math.max(1, Math.floor((Date.parse(session.expires_at) - Date.now()) / 1000))
      : undefined;
    return stringifySetCookie({
      name: SESSION_COOKIE,
      value: session.id,
      ...attributes,
      ...(maxAge ? { maxAge } : {}),
    });
  }
  if (!scope.before) return null;
  const still = await liveSession(
    db
      .prepare(
        "SELECT id, user_id, email, expires_at FROM sessions WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL",
      )
      .bind(scope.tenantId, scope.before.id),
  );
  return still ? null : stringifySetCookie({ name: SESSION_COOKIE, value: "", ...attributes, maxAge: 0 });
}
