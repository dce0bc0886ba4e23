/**
 * GET /callback: where the provider sends the browser back. The callback's parameters and the state
 * of this browser's cookie go to the platform's sign-in (context.sessions.signIn), which runs
 * before_authenticate and this plugin's `authenticate` (state, replay, code exchange with the PKCE
 * verifier, ID token checks), then opens the store session and fires after_authenticate and
 * user_login; the platform sets the store's session cookie on this answer. Any refusal fires
 * authentication_failed and answers an error page (400) saying why. The state cookie is cleared
 * either way: a flow is used once.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { parseCookie, stringifySetCookie } from "cookie";
import { SignInFailure } from "../failures.ts";
import { returnToOf } from "../flows.ts";
import { errorPage } from "../pages.ts";
import { safeReturnTo } from "../return-to.ts";
import { settingsOf } from "../settings.ts";
import { keepTokens } from "../tokens.ts";
import { STATE_COOKIE, STATE_COOKIE_PATH } from "../urls.ts";

const PARAMETERS = ["code", "state", "iss", "error", "error_description"] as const;

/** A refusal of the platform's sign-in (SessionError), matched by name: the SDK's index stays out of the bundle. */
interface Refusal {
  code: string;
  reason?: string;
  message: string;
}
const isRefusal = (error: unknown): error is Refusal =>
  error instanceof Error && error.name === "SessionError" && typeof (error as { code?: unknown }).code === "string";

const STATUS: Record<string, number> = { AUTHENTICATION_FAILED: 400, HOOK_VETOED: 403, INVALID_ARGUMENT: 400 };

/** Checked again: allowed_return_origins may have changed since the sign-in started (then: the store's home). */
function returnTo(context: PluginContext, stored: string | null): string {
  try {
    return safeReturnTo(stored, settingsOf(context).allowedReturnOrigins);
  } catch (error) {
    if (error instanceof SignInFailure) return "/";
    throw error;
  }
}

export default async function callback(context: PluginContext, request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const credentials: Record<string, string> = {};
  for (const key of PARAMETERS) {
    const value = query.get(key);
    if (value !== null) credentials[key] = value;
  }
  const browserState = parseCookie(request.headers.get("cookie") ?? "")[STATE_COOKIE];
  if (browserState) credentials.browser_state = browserState;

  const headers = new Headers({ "cache-control": "no-store" });
  headers.append(
    "set-cookie",
    stringifySetCookie({
      name: STATE_COOKIE,
      value: "",
      path: STATE_COOKIE_PATH,
      httpOnly: true,
      secure: true,
      sameSite: "lax",
      maxAge: 0,
    }),
  );
  if (!context.sessions) {
    return errorPage(
      request,
      500,
      "MISCONFIGURED",
      "google-oauth was installed without the sessions capability it needs.",
      headers,
    );
  }
  try {
    const signed = await context.sessions.signIn(credentials);
    await keepTokens(context, {
      sessionId: signed.session_id,
      subject: signed.user.id,
      accessToken: signed.token,
      refreshToken: signed.refresh_token ?? null,
      accessExpiresAt: null,
    });
    const stored = credentials.state ? await returnToOf(context, credentials.state) : null;
    headers.set("location", returnTo(context, stored));
    return new Response(null, { status: 302, headers });
  } catch (error) {
    if (!isRefusal(error)) throw error;
    // the provider being down is not the browser's mistake
    const status = error.reason === "PROVIDER_UNREACHABLE" ? 502 : (STATUS[error.code] ?? 502);
    return errorPage(request, status, error.reason ?? error.code, error.message, headers);
  }
}
