/**
 * A sign-in in progress, kept in the plugin's own database keyed by its `state`: the PKCE code
 * verifier and the nonce never leave the server, and the browser holds only the state, in the
 * plugin's HttpOnly cookie, which binds the flow to the browser that started it. A flow lives ten
 * minutes and is consumed by its first callback; a consumed row stays (until it is a day old) so
 * that a replay is told apart from a state that never existed.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import * as oauth from "oauth4webapi";
import { fail } from "./failures.ts";
import * as z from "./schema.ts";

export const FLOW_TTL_SECONDS = 10 * 60;
const KEEP_CONSUMED_MS = 24 * 60 * 60 * 1000;

export interface Flow {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  returnTo: string;
}

/**
 * Opens a flow: fresh state, nonce and code verifier (oauth4webapi's, 32 random bytes each).
 *
 * @example
 * const flow = await openFlow(context, { redirectUri, returnTo: "/account" });
 * flow.state; // goes into the authorization URL and the state cookie
 */
export async function openFlow(context: PluginContext, at: { redirectUri: string; returnTo: string }): Promise<Flow> {
  const flow: Flow = {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier: oauth.generateRandomCodeVerifier(),
    ...at,
  };
  const now = Date.now();
  await context.db.transaction(async (db) => {
    // housekeeping with every new flow: consumed and expired rows older than a day go
    void db.query("DELETE FROM flows WHERE created_at < ?", [now - KEEP_CONSUMED_MS]);
    void db.query(
      `INSERT INTO flows (state, nonce, code_verifier, redirect_uri, return_to, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [flow.state, flow.nonce, flow.codeVerifier, flow.redirectUri, flow.returnTo, now, now + FLOW_TTL_SECONDS * 1000],
    );
  });
  return flow;
}

const flowRow = z.object({
  state: z.string(),
  nonce: z.string(),
  code_verifier: z.string(),
  redirect_uri: z.string(),
  return_to: z.string(),
  expires_at: z.number(),
  used_at: z.nullable(z.number()),
});

/** Where the flow of `state` returns the browser to, without consuming it; null when there is no such flow. */
export async function returnToOf(context: PluginContext, state: string): Promise<string | null> {
  const row = await context.db.one("SELECT return_to FROM flows WHERE state = ?", [state]);
  return typeof row?.return_to === "string" ? row.return_to : null;
}

/**
 * Takes the flow of `state` for its one code exchange: atomically, so two callbacks racing with the
 * same state cannot both have it. Refuses a state that never was, expired, or was used.
 */
export async function consumeFlow(context: PluginContext, state: string): Promise<Flow> {
  const now = Date.now();
  const [taken] = await context.db.query(
    "UPDATE flows SET used_at = ? WHERE state = ? AND used_at IS NULL AND expires_at > ? RETURNING *",
    [now, state, now],
  );
  if (taken) {
    const row = flowRow.parse(taken);
    return {
      state: row.state,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      redirectUri: row.redirect_uri,
      returnTo: row.return_to,
    };
  }
  const existing = await context.db.one("SELECT * FROM flows WHERE state = ?", [state]);
  if (!existing) return fail("STATE_UNKNOWN", "This sign-in's state is unknown here: start the sign-in again.");
  const row = flowRow.parse(existing);
  if (row.used_at !== null) {
    return fail(
      "STATE_REPLAYED",
      "This sign-in's state was already used: a callback is accepted once. Start the sign-in again.",
    );
  }
  return fail("STATE_EXPIRED", `This sign-in took longer than ${FLOW_TTL_SECONDS / 60} minutes: start it again.`);
}
