/**
 * The provider's tokens of each store session this plugin opened, in its own database: the refresh
 * token renews the access token (POST /refresh) and is revoked at the provider on sign-out. They stay
 * server-side; the browser holds only the store's session cookie, which the platform sets.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import * as z from "./schema.ts";

const tokenRow = z.object({
  session_id: z.string(),
  subject: z.string(),
  access_token: z.string(),
  refresh_token: z.nullable(z.string()),
  access_expires_at: z.nullable(z.number()),
});

export interface SessionTokens {
  sessionId: string;
  subject: string;
  accessToken: string;
  refreshToken: string | null;
  /** Epoch milliseconds; null when the provider did not say. */
  accessExpiresAt: number | null;
}

export async function keepTokens(context: PluginContext, tokens: SessionTokens): Promise<void> {
  await context.db.query(
    `INSERT INTO session_tokens (session_id, subject, access_token, refresh_token, access_expires_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
    [tokens.sessionId, tokens.subject, tokens.accessToken, tokens.refreshToken, tokens.accessExpiresAt, Date.now()],
  );
}

export async function tokensOf(context: PluginContext, sessionId: string): Promise<SessionTokens | null> {
  const raw = await context.db.one("SELECT * FROM session_tokens WHERE session_id = ?", [sessionId]);
  if (!raw) return null;
  const row = tokenRow.parse(raw);
  return {
    sessionId: row.session_id,
    subject: row.subject,
    accessToken: row.access_token,
    refreshToken: row.refresh_token,
    accessExpiresAt: row.access_expires_at,
  };
}

/** After a refresh: the new access token, and the refresh token when the provider rotated it. */
export async function renewTokens(
  context: PluginContext,
  sessionId: string,
  renewed: { accessToken: string; refreshToken?: string; accessExpiresAt: number | null },
): Promise<void> {
  await context.db.query(
    `UPDATE session_tokens SET access_token = ?, refresh_token = COALESCE(?, refresh_token), access_expires_at = ?
      WHERE session_id = ?`,
    [renewed.accessToken, renewed.refreshToken ?? null, renewed.accessExpiresAt, sessionId],
  );
}

export async function forgetTokens(context: PluginContext, sessionId: string): Promise<void> {
  await context.db.query("DELETE FROM session_tokens WHERE session_id = ?", [sessionId]);
}
