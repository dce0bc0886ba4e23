/**
 * Store sessions as an auth plugin opens and closes them (the `sessions` capability, auth plugins
 * only): its endpoint hands the platform the credentials, the platform runs its own sign-in with this
 * plugin as the provider (before_authenticate, the plugin's `authenticate`, the session, the hooks) and
 * sets the store's session cookie on the plugin's answer. The plugin never sees or sets that cookie.
 * No schema library here: the isolate runtime imports this module.
 */

/**
 * The store session the request came with, as the plugin sees it (`context.session`): present only
 * when the request's session cookie names a live session this plugin opened.
 *
 * @example
 * if (!context.session) return Response.json({ signed_in: false });
 * return Response.json({ signed_in: true, email: context.session.email });
 */
export interface StoreSession {
  id: string;
  /** The store's user with this email, when the store has one. */
  user_id: string | null;
  email: string;
  /** ISO 8601, or null when the provider set no expiry. */
  expires_at: string | null;
}

/**
 * What `context.sessions.signIn` resolves with: the session the platform opened, and what this
 * plugin's `authenticate` answered (its tokens are the plugin's own, to keep or to pass on).
 *
 * @example
 * const signed = await context.sessions.signIn({ code, state });
 * signed.session_id; // "ses_6f0c…"; the platform sets the cookie on this endpoint's answer
 */
export interface SignedInSession {
  session_id: string;
  user: { id: string; email?: string; name?: string; roles?: string[] };
  /** The token `authenticate` returned (an ID token or an access token). */
  token: string;
  refresh_token?: string;
  expires_at: string | null;
}

/** Why the platform refused a sessions call; `reason` is the plugin's own error code when `authenticate` refused. */
export type SessionErrorCode =
  | "AUTHENTICATION_FAILED"
  | "HOOK_VETOED"
  | "NO_SESSION"
  | "SESSION_NOT_YOURS"
  | "INVALID_ARGUMENT"
  | "SIGN_IN_FAILED";

/**
 * A refused sign-in or sign-out. `code` says which kind; after a refused `authenticate`, `reason` is
 * the code the plugin itself answered with (`authentication_failed` was fired with its message).
 *
 * @example
 * try {
 *   await context.sessions.signIn({ code, state });
 * } catch (error) {
 *   if (error instanceof SessionError && error.code === "AUTHENTICATION_FAILED") return errorPage(error.message);
 *   throw error;
 * }
 */
export class SessionError extends Error {
  override readonly name = "SessionError";
  readonly code: SessionErrorCode;
  readonly reason: string | undefined;
  constructor(code: SessionErrorCode, message: string, reason?: string) {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

/** A sessions call's answer across the isolate boundary: an error's class and fields do not survive RPC. */
export type SessionOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: SessionErrorCode; message: string; reason?: string } };

/**
 * The `sessions` capability in the plugin's context (auth plugins that declare it).
 *
 * @example
 * // src/api/callback.ts of an OAuth provider plugin
 * const signed = await context.sessions.signIn({ code, state, browser_state });
 * return Response.redirect(returnTo, 302); // the platform adds Set-Cookie: dcp_session=…
 */
export interface PluginSessions {
  /**
   * Signs the request's browser into the store: before_authenticate, then this plugin's own
   * `authenticate(credentials)`, then the session with after_authenticate and user_login; or
   * authentication_failed and a `SessionError`. The platform sets the store's session cookie on the
   * answer of the endpoint call that signed in.
   */
  signIn(credentials: Record<string, unknown>): Promise<SignedInSession>;
  /**
   * Revokes a session this plugin opened (the request's own, `context.session`, when no id is given)
   * and fires user_logout; the platform clears the cookie when it was the request's session. A
   * session another provider opened is refused (and recorded).
   */
  signOut(sessionId?: string): Promise<void>;
}
