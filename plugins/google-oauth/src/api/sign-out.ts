/**
 * POST /sign-out[?return_to=]: ends the store session this browser holds (context.sessions.signOut:
 * the session is revoked, user_logout fires, the platform clears the cookie), and revokes the
 * provider's token when the provider has a revocation endpoint. A request from another site's page
 * is refused (its Origin is neither the store's nor an allowed one).
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { SignInFailure } from "../failures.ts";
import { jsonError } from "../pages.ts";
import { safeReturnTo } from "../return-to.ts";
import { settingsOf } from "../settings.ts";
import { revokeAtProvider } from "../sign-in.ts";
import { forgetTokens, tokensOf } from "../tokens.ts";

export default async function signOut(context: PluginContext, request: Request): Promise<Response> {
  const settings = settingsOf(context);
  const url = new URL(request.url);
  const origin = request.headers.get("origin");
  if (origin && origin !== url.origin && !settings.allowedReturnOrigins.includes(origin)) {
    return jsonError(403, "FOREIGN_ORIGIN", `A sign-out from ${origin} is refused: it is not this store's page.`);
  }
  let returnTo: string | null = null;
  try {
    returnTo = url.searchParams.has("return_to")
      ? safeReturnTo(url.searchParams.get("return_to"), settings.allowedReturnOrigins)
      : null;
  } catch (error) {
    if (!(error instanceof SignInFailure)) throw error;
    return jsonError(400, error.code, error.message);
  }
  const session = context.session;
  if (!session || !context.sessions) {
    return returnTo
      ? new Response(null, { status: 303, headers: { location: returnTo } })
      : Response.json({ signed_out: false, message: "This browser has no Google sign-in session here." });
  }
  const kept = await tokensOf(context, session.id);
  await context.sessions.signOut();
  const revoked = kept ? await revokeAtProvider(context, kept.refreshToken ?? kept.accessToken) : false;
  if (kept) await forgetTokens(context, session.id);
  if (returnTo) return new Response(null, { status: 303, headers: { location: returnTo } });
  return Response.json(
    { signed_out: true, provider_token_revoked: revoked },
    { headers: { "cache-control": "no-store" } },
  );
}
