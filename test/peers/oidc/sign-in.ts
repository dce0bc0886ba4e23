// A headless browser for the OIDC peer's sign-in: it follows the authorization request through the
// provider's interactions with a cookie jar of its own, signs in and consents, and stops at the redirect
// back to the relying party, which it returns instead of following (the test delivers it).

/** An error of the sign-in driver, with what the provider answered. */
export class SignInError extends Error {
  readonly code: "UNKNOWN_ACCOUNT" | "PROVIDER_ERROR" | "TOO_MANY_REDIRECTS" | "BAD_AUTHORIZATION_URL";
  constructor(code: SignInError["code"], message: string) {
    super(message);
    this.name = "SignInError";
    this.code = code;
  }
}

/** What GET /interaction/:uid answers: which prompt the provider needs satisfied. */
interface InteractionPrompt {
  uid: string;
  prompt: "login" | "consent";
}

const MAX_HOPS = 20;

/** Cookies by name, as a browser would keep them for one site (paths ignored: sending more is harmless). */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [k = "", v = ""] = a.trim().split("=");
        if (k.toLowerCase() === "max-age") return Number(v) <= 0;
        if (k.toLowerCase() === "expires") return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === "") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): Record<string, string> {
    if (this.#cookies.size === 0) return {};
    return { cookie: [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
  }
}

async function describe(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === "string") {
      return `${body.error}${typeof body.error_description === "string" ? `: ${body.error_description}` : ""}`;
    }
    if (typeof body.error === "object" && body.error !== null && "message" in body.error) {
      return String(body.error.message);
    }
  } catch {
    // not JSON: the text itself says what went wrong
  }
  return text.slice(0, 500);
}

/**
 * Signs `email` in at the provider that `authorizationUrl` points to, as a browser would, and returns
 * the redirect to the client's redirect_uri (with `code` and `state`, or an `error`) without following it.
 *
 * @example
 * const { callbackUrl } = await signIn(authorizationUrl.href, "ada@example.com");
 * const params = oauth.validateAuthResponse(as, client, new URL(callbackUrl), state);
 */
export async function signIn(authorizationUrl: string, email: string): Promise<{ callbackUrl: string }> {
  let url: URL;
  try {
    url = new URL(authorizationUrl);
  } catch {
    throw new SignInError("BAD_AUTHORIZATION_URL", `authorization_url is not a URL: "${authorizationUrl}"`);
  }
  const provider = url.origin;
  const jar = new CookieJar();
  const send = async (target: URL, init: RequestInit = {}) => {
    const response = await fetch(target, {
      ...init,
      redirect: "manual",
      headers: { ...jar.header(), ...(init.headers as Record<string, string> | undefined) },
    });
    jar.store(response);
    return response;
  };

  for (let hop = 0; hop < MAX_HOPS; hop++) {
    let response = await send(url);
    if (response.status === 200 && /^\/interaction\/[^/]+$/.test(url.pathname)) {
      const { uid, prompt } = (await response.json()) as InteractionPrompt;
      const action = prompt === "login" ? "login" : "confirm";
      response = await send(new URL(`/interaction/${uid}/${action}`, provider), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(prompt === "login" ? { email } : {}),
      });
      if (response.status === 404 && prompt === "login") {
        throw new SignInError("UNKNOWN_ACCOUNT", await describe(response));
      }
    }
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new SignInError(
        "PROVIDER_ERROR",
        `the provider answered ${response.status} at ${url.pathname}: ${await describe(response)}`,
      );
    }
    await response.body?.cancel();
    const next = new URL(location, url);
    if (next.origin !== provider) return { callbackUrl: next.href };
    url = next;
  }
  throw new SignInError("TOO_MANY_REDIRECTS", `no redirect back to the client after ${MAX_HOPS} hops`);
}
