/**
 * POST /refresh: a new access token by the refresh-token grant. Body `{refresh_token}` (an app that
 * holds its own), or no body with the store session's cookie: the plugin renews the tokens it keeps
 * for that session. Answers `{access_token, expires_at, refresh_token?}` (a rotated refresh token
 * replaces the old one).
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { SignInFailure } from "../failures.ts";
import { jsonError } from "../pages.ts";
import * as z from "../schema.ts";
import { refreshGrant } from "../sign-in.ts";
import { renewTokens, tokensOf } from "../tokens.ts";

const body = z.object({ refresh_token: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))) });

async function bodyOf(request: Request): Promise<z.infer<typeof body> | string> {
  const text = await request.text();
  if (text.trim() === "") return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'the body is not JSON; send {"refresh_token": "…"} or nothing';
  }
  const parsed = body.safeParse(json);
  return parsed.success ? parsed.data : `refresh_token: ${parsed.error.issues[0]?.message ?? "invalid"}`;
}

export default async function refresh(context: PluginContext, request: Request): Promise<Response> {
  const given = await bodyOf(request);
  if (typeof given === "string") return jsonError(400, "INVALID_REQUEST", given);
  const kept = !given.refresh_token && context.session ? await tokensOf(context, context.session.id) : null;
  const refreshToken = given.refresh_token ?? kept?.refreshToken;
  if (!refreshToken) {
    return jsonError(
      401,
      "NO_REFRESH_TOKEN",
      context.session
        ? "This session has no refresh token (the provider gave none at sign-in); sign in again."
        : 'Send {"refresh_token": "…"}, or the store session cookie of a Google sign-in.',
    );
  }
  try {
    const renewed = await refreshGrant(context, refreshToken);
    if (kept) await renewTokens(context, kept.sessionId, renewed);
    return Response.json(
      {
        access_token: renewed.accessToken,
        expires_at: renewed.accessExpiresAt === null ? null : new Date(renewed.accessExpiresAt).toISOString(),
        // an app that sent its own refresh token needs the rotated one; a session's stays server-side
        ...(renewed.refreshToken && !kept ? { refresh_token: renewed.refreshToken } : {}),
      },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    if (!(error instanceof SignInFailure)) throw error;
    return jsonError(error.code === "PROVIDER_UNREACHABLE" ? 502 : 400, error.code, error.message);
  }
}
