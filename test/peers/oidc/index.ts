/**
 * @module A real OpenID provider on loopback (panva's `oidc-provider`), configured like Google's for the
 * `google-oauth` plugin's tests: authorization code with PKCE S256, `openid email profile` plus
 * refresh tokens, Google's `email_verified` and `hd` claims in the ID token, headless interactions
 * and misbehaviour knobs. See README.md beside this file for the control API.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair } from "jose";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";

import { z } from "zod";
import { AccountBook, defaultAccounts, type OidcAccount, type OidcAccountInput } from "./accounts.ts";
import {
  type IdTokenMisbehaviour,
  IdTokenMisbehaviourSchema,
  MisbehaveRequestSchema,
  Misbehaviour,
  type MisbehaviourScope,
  misbehave,
} from "./misbehaviour.ts";
import { SignInError, signIn } from "./sign-in.ts";

export type { OidcAccount, OidcAccountInput } from "./accounts.ts";
export { defaultAccounts } from "./accounts.ts";
export type { IdTokenMisbehaviour, MisbehaviourScope } from "./misbehaviour.ts";
export { WRONG_AUDIENCE } from "./misbehaviour.ts";
export { SignInError, signIn } from "./sign-in.ts";

/** The Koa context the provider hands its middleware. */
type ProviderContext = Parameters<Parameters<Provider["use"]>[0]>[0];

const ClientSchema = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  redirect_uris: z.array(z.url()).min(1),
});

const OptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  clients: z.array(ClientSchema).min(1),
  accounts: z.array(z.unknown()).optional(),
});

export interface OidcPeerOptions {
  /** 0 (the default) picks a free port */
  port?: number;
  /** the address to listen on and to name in the issuer; 127.0.0.1 by default */
  host?: string;
  /** the relying parties; each may authenticate at the token endpoint with client_secret_basic or _post */
  clients: { client_id: string; client_secret: string; redirect_uris: string[] }[];
  /** who can sign in; `defaultAccounts` when left out */
  accounts?: readonly OidcAccountInput[];
}

export interface OidcPeer {
  /** `http://<host>:<port>`, the discovery document at `${issuer}/.well-known/openid-configuration` */
  issuer: string;
  port: number;
  accounts: OidcAccount[];
  /** Signs `email` in through the provider's interactions; returns the redirect to the client, not followed. */
  signIn(authorizationUrl: string, email: string): Promise<{ callbackUrl: string }>;
  /** Makes the next token response's ID token (or every one's, with `for: "all"`) misbehave. */
  misbehave(idToken: IdTokenMisbehaviour, options?: { for?: MisbehaviourScope }): void;
  /** Clears the misbehaviour knobs. */
  reset(): void;
  close(): Promise<void>;
}

function parseOptions(options: OidcPeerOptions): z.output<typeof OptionsSchema> {
  const parsed = OptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TypeError(`startOidcPeer options.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlError(400, "INVALID_JSON", "the request body is not JSON");
  }
}

/** An error of the peer's own routes (interactions and control), answered as `{error: {code, message}}`. */
class ControlError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ControlError(400, "INVALID_REQUEST", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
}

const SignInRequestSchema = z.object({ authorization_url: z.url(), email: z.string().min(1) });
const LoginSchema = z.object({ email: z.string().min(1) });

/**
 * Starts the provider and resolves once it listens.
 *
 * @example
 * const peer = await startOidcPeer({
 *   clients: [{ client_id: "shop", client_secret: "s3cret", redirect_uris: ["http://127.0.0.1:8787/cb"] }],
 * });
 * const { callbackUrl } = await peer.signIn(authorizationUrl, "ada@example.com");
 * peer.misbehave("expired"); // the next ID token is already expired
 * await peer.close();
 */
export async function startOidcPeer(options: OidcPeerOptions): Promise<OidcPeer> {
  const { port: wantedPort, host, clients } = parseOptions(options);
  const accounts = new AccountBook(options.accounts ?? defaultAccounts);

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(wantedPort, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const foreign = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(privateKey)), kid: `peer-${port}`, alg: "RS256", use: "sig" };
  const keys = { provider: privateKey as CryptoKey, foreign: foreign.privateKey as CryptoKey };

  const misbehaviour = new Misbehaviour();
  const provider = new Provider(issuer, configuration(clients, accounts, jwk));

  // The misbehaviour knobs: the provider issues a real token response, then the ID token in it is
  // re-signed with the wrong claims (or key) before it leaves.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== "POST" || ctx.path !== "/token" || ctx.status !== 200) return;
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (typeof body?.id_token !== "string") return;
    const kind = misbehaviour.take();
    if (kind) body.id_token = await misbehave(body.id_token, kind, issuer, keys);
  });

  // The peer's own routes: the headless interactions and the control API.
  provider.use(async (ctx, next) => {
    const interaction = /^\/interaction\/([^/]+)(?:\/(login|confirm))?$/.exec(ctx.path);
    if (!interaction && !ctx.path.startsWith("/__control/")) return next();
    try {
      if (interaction) {
        await interactionRoute(ctx, provider, accounts, interaction[1] ?? "", interaction[2]);
        return;
      }
      ctx.type = "json";
      ctx.body = await controlRoute(ctx.method, ctx.path, ctx.req);
    } catch (error) {
      if (!(error instanceof ControlError)) throw error;
      ctx.status = error.status;
      ctx.body = { error: { code: error.code, message: error.message } };
    }
  });

  const controlRoute = async (method: string, path: string, req: IncomingMessage): Promise<unknown> => {
    const route = `${method} ${path}`;
    switch (route) {
      case "POST /__control/sign-in": {
        const { authorization_url, email } = parseBody(SignInRequestSchema, await readJson(req));
        try {
          const { callbackUrl } = await signIn(authorization_url, email);
          return { callback_url: callbackUrl };
        } catch (error) {
          if (!(error instanceof SignInError)) throw error;
          throw new ControlError(error.code === "UNKNOWN_ACCOUNT" ? 404 : 502, error.code, error.message);
        }
      }
      case "POST /__control/misbehave": {
        const request = parseBody(MisbehaveRequestSchema, await readJson(req));
        misbehaviour.arm(request.id_token, request.for);
        return { misbehaviour: misbehaviour.current() };
      }
      case "POST /__control/reset":
        misbehaviour.reset();
        return { misbehaviour: null };
      case "GET /__control/state":
        return { issuer, misbehaviour: misbehaviour.current(), accounts: accounts.list() };
      default:
        throw new ControlError(404, "NOT_FOUND", `no control route ${route}; see test/peers/oidc/README.md`);
    }
  };

  server.on("request", provider.callback());

  return {
    issuer,
    port,
    accounts: accounts.list(),
    signIn,
    misbehave(idToken, opts = {}) {
      const kind = IdTokenMisbehaviourSchema.safeParse(idToken);
      if (!kind.success) {
        throw new TypeError(`misbehave: idToken must be one of ${IdTokenMisbehaviourSchema.options.join(", ")}`);
      }
      misbehaviour.arm(kind.data, opts.for ?? "next");
    },
    reset() {
      misbehaviour.reset();
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** The oidc-provider configuration: Google's shape of the authorization-code flow. */
function configuration(
  clients: z.output<typeof ClientSchema>[],
  accounts: AccountBook,
  jwk: Record<string, unknown>,
): Configuration {
  return {
    clients: clients.map((c) => ({
      ...c,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      // either method is accepted with a secret (oidc-provider checks basic and post alike)
      token_endpoint_auth_method: "client_secret_basic",
    })),
    clientAuthMethods: ["client_secret_basic", "client_secret_post"],
    responseTypes: ["code"],
    pkce: { required: () => true },
    scopes: ["openid", "email", "profile", "offline_access"],
    // Google puts hd in every ID token of a Workspace account; email and profile come with their scopes
    claims: { openid: ["sub", "hd"], email: ["email", "email_verified"], profile: ["name"] },
    // Google's ID tokens carry the scopes' claims even though an access token is issued too
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const account = accounts.bySubject(sub);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        async claims() {
          const { sub, email, email_verified, name, hd } = account;
          return hd === undefined ? { sub, email, email_verified, name } : { sub, email, email_verified, name, hd };
        },
      };
    },
    extraParams: {
      // Google's way to ask for a refresh token; the OIDC way, scope offline_access, needs prompt=consent
      // (OIDC Core 11), which oidc-provider enforces
      access_type(ctx: KoaContextWithOIDC, value: string | undefined) {
        if (value !== "offline") return;
        const params = ctx.oidc.params as { scope?: string };
        const scopes = new Set(params.scope?.split(" "));
        scopes.add("offline_access");
        params.scope = [...scopes].join(" ");
      },
      hd: null,
      include_granted_scopes: null,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    jwks: { keys: [jwk] },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 600,
      IdToken: 3600,
      Interaction: 600,
      Session: 86_400,
      Grant: 86_400,
      RefreshToken: 86_400,
    },
    async renderError(ctx, out) {
      ctx.type = "json";
      ctx.body = out;
    },
  };
}

/**
 * GET /interaction/:uid says which prompt is pending; POST .../login {email} and POST .../confirm
 * satisfy the login and consent prompts, as a login page and a consent screen would.
 */
async function interactionRoute(
  ctx: ProviderContext,
  provider: Provider,
  accounts: AccountBook,
  uid: string,
  action: string | undefined,
): Promise<void> {
  let details: Awaited<ReturnType<Provider["interactionDetails"]>>;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (error) {
    throw new ControlError(400, "NO_INTERACTION", `interaction ${uid} is not pending for this browser: ${error}`);
  }
  if (details.uid !== uid) throw new ControlError(400, "NO_INTERACTION", `interaction ${uid} is not this browser's`);
  const prompt = details.prompt.name;

  if (action === undefined && ctx.method === "GET") {
    ctx.type = "json";
    ctx.body = { uid, prompt, reasons: details.prompt.reasons, client_id: details.params.client_id };
    return;
  }
  if (ctx.method !== "POST") throw new ControlError(405, "METHOD_NOT_ALLOWED", `${action} takes POST`);

  let returnTo: string;
  if (action === "login") {
    if (prompt !== "login") throw new ControlError(400, "WRONG_PROMPT", `interaction ${uid} awaits ${prompt}`);
    const { email } = parseBody(LoginSchema, await readJson(ctx.req));
    const account = accounts.byEmail(email);
    if (!account) {
      const known = accounts
        .list()
        .map((a) => a.email)
        .join(", ");
      throw new ControlError(404, "UNKNOWN_ACCOUNT", `no account "${email}" at this provider; known: ${known}`);
    }
    returnTo = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId: account.sub } },
      { mergeWithLastSubmission: false },
    );
  } else {
    if (prompt !== "consent") throw new ControlError(400, "WRONG_PROMPT", `interaction ${uid} awaits ${prompt}`);
    const accountId = details.session?.accountId;
    const clientId = String(details.params.client_id);
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId });
    if (!grant) throw new ControlError(400, "NO_GRANT", `grant ${details.grantId} is gone`);
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    returnTo = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }
  ctx.redirect(returnTo);
  ctx.status = 303;
}
