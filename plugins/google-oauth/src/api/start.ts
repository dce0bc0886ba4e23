/**
 * GET /start?return_to=: begins a sign-in. A fresh state, nonce and PKCE verifier are kept in the
 * plugin's database (ten minutes), the state also in this browser's HttpOnly cookie, and the browser
 * goes to the provider's authorization endpoint for `openid email profile`, with a refresh token
 * asked for (`access_type=offline`).
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { stringifySetCookie } from "cookie";
import * as oauth from "oauth4webapi";
import { SignInFailure } from "../failures.ts";
import { FLOW_TTL_SECONDS, openFlow } from "../flows.ts";
import { errorPage } from "../pages.ts";
import { providerOf } from "../provider.ts";
import { safeReturnTo } from "../return-to.ts";
import { settingsOf } from "../settings.ts";
import { callbackUrl, STATE_COOKIE, STATE_COOKIE_PATH } from "../urls.ts";

export const SCOPE = "openid email profile";

export default async function start(context: PluginContext, request: Request): Promise<Response> {
  try {
    const settings = settingsOf(context);
    const returnTo = safeReturnTo(new URL(request.url).searchParams.get("return_to"), settings.allowedReturnOrigins);
    const provider = await providerOf(settings);
    const redirectUri = callbackUrl(context, request);
    const flow = await openFlow(context, { redirectUri, returnTo });
    const authorization = new URL(String(provider.as.authorization_endpoint));
    authorization.search = new URLSearchParams({
      client_id: settings.clientId,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: SCOPE,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: "S256",
      // Google's way to get a refresh token; it comes with the first consent (prompt=consent: every time)
      access_type: "offline",
      ...(settings.prompt ? { prompt: settings.prompt } : {}),
      // with one allowed hosted domain, Google's account chooser offers only its accounts (a hint: hd is checked anyway)
      ...(settings.allowedDomains.length === 1 ? { hd: String(settings.allowedDomains[0]) } : {}),
    }).toString();
    const headers = new Headers({ location: authorization.href, "cache-control": "no-store" });
    headers.append(
      "set-cookie",
      stringifySetCookie({
        name: STATE_COOKIE,
        value: flow.state,
        path: STATE_COOKIE_PATH,
        httpOnly: true,
        secure: true,
        // Lax: the provider's redirect back is a top-level GET navigation, which carries it
        sameSite: "lax",
        maxAge: FLOW_TTL_SECONDS,
      }),
    );
    return new Response(null, { status: 302, headers });
  } catch (error) {
    if (!(error instanceof SignInFailure)) throw error;
    return errorPage(request, error.code === "PROVIDER_UNREACHABLE" ? 502 : 400, error.code, error.message);
  }
}
