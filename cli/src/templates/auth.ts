/**
 * The auth plugin `admin-cli scaffold auth` writes: an identity provider with accounts (PBKDF2
 * password hashes) and sessions in its own database, an endpoint admins create accounts with,
 * and a before hook that normalises the identifier being signed in.
 */
import { manifestHead, manifestStart, type PluginNames, str } from "./names.ts";
import type { CategoryTemplate } from "./template.ts";

export function authTemplate(p: PluginNames): CategoryTemplate {
  const manifest = `/** ${p.name}: an identity provider. Accounts and sessions live in the plugin's own database. */
import { createAuthPlugin } from "@digital-commerce/plugin-sdk";

${manifestStart("createAuthPlugin", p)}
${manifestHead(p, `${p.name} sign-in`)}
  .hook("before_authenticate", "src/hooks/beforeAuthenticate.ts")
  .apiEndpoint("POST", "/accounts", "src/api/accounts.ts")
  .setting("session_minutes", {
    type: "integer",
    label: "Session length (minutes)",
    description: "How long an access token is valid; a refresh token gets a new one.",
    default: 60,
    min: 5,
    max: 1440,
  })
  .permission({ capabilities: ["db", "logger"] })
  .migration(
    "0001_accounts",
    \`CREATE TABLE accounts (
       email         TEXT PRIMARY KEY,
       password_hash TEXT NOT NULL,
       salt          TEXT NOT NULL,
       role          TEXT NOT NULL DEFAULT 'customer'
     )\`,
  )
  .migration(
    "0002_sessions",
    \`CREATE TABLE sessions (
       token         TEXT PRIMARY KEY,
       refresh_token TEXT NOT NULL UNIQUE,
       email         TEXT NOT NULL REFERENCES accounts(email),
       expires_at    TEXT NOT NULL
     )\`,
  )
  .build();
`;

  const passwords = `/**
 * Password hashing with PBKDF2-SHA-256 (Web Crypto, so the same code runs in the plugin's isolate
 * and in Node). 100,000 iterations is the most Cloudflare Workers allow.
 */
const ITERATIONS = 100_000;

function hex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return Array.from(view, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function newSalt(): string {
  return hex(crypto.getRandomValues(new Uint8Array(16)));
}

export async function hashPassword(password: string, salt: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: new TextEncoder().encode(salt), iterations: ITERATIONS },
    key,
    256,
  );
  return hex(bits);
}

/** Compares in constant time, so how long the answer takes says nothing about how much matched. */
export function sameHash(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
`;

  const hook = `/** before_authenticate: signs in with the identifier as it is stored (trimmed, lower case), however it was typed. */
import type { AuthHookData, HookHandler } from "@digital-commerce/plugin-sdk";

// a before hook runs while the request waits: returning the credentials lets the sign-in go on with them
const beforeAuthenticate: HookHandler<AuthHookData> = async (_context, data) => {
  const identifier = data.credentials.identifier?.trim().toLowerCase();
  return identifier === undefined ? data.credentials : { ...data.credentials, identifier };
};

export default beforeAuthenticate;
`;

  const endpoint = `/** POST /api/plugins/${p.slug}/accounts {email, password, role?}: creates an account (admin token required). */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { hashPassword, newSalt } from "../passwords.ts";

export default async function accounts(context: PluginContext, request: Request) {
  const body = (await request.json().catch(() => null)) as {
    email?: unknown;
    password?: unknown;
    role?: unknown;
  } | null;
  const email = typeof body?.email === "string" ? body.email.trim().toLowerCase() : "";
  const password = typeof body?.password === "string" ? body.password : "";
  const role = body?.role === "admin" ? "admin" : "customer";
  if (!email.includes("@") || password.length < 8) {
    return Response.json(
      { error: { code: "INVALID_ACCOUNT", message: "Send an email and a password of at least 8 characters." } },
      { status: 400 },
    );
  }
  const salt = newSalt();
  const created = await context.db.query(
    "INSERT INTO accounts (email, password_hash, salt, role) VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING email",
    [email, await hashPassword(password, salt), salt, role],
  );
  if (created.length === 0) {
    return Response.json(
      { error: { code: "ACCOUNT_EXISTS", message: \`\${email} already has an account.\` } },
      { status: 409 },
    );
  }
  context.logger.info("account created", { email, role });
  return Response.json({ email, role }, { status: 201 });
}
`;

  const plugin = `/**
 * ${p.name}'s sign-in methods: password sign-in against the plugin's accounts, role-based
 * authorization, and token refresh. To sign in through an external identity provider instead,
 * exchange the credentials with it in authenticate (declare its host in the manifest's permissions).
 */
import type { AuthenticatedUser, PluginContext, PluginImplementation } from "@digital-commerce/plugin-sdk";
import { hashPassword, sameHash } from "./src/passwords.ts";

const invalid = (message: string) => ({ success: false as const, error: { code: "INVALID_CREDENTIALS", message } });

function expiry(context: PluginContext): string {
  const minutes = Number(context.plugin.config.session_minutes ?? 60);
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

const plugin: PluginImplementation<"auth"> = {
  async authenticate(context, credentials) {
    const { email, password } = (credentials ?? {}) as { email?: unknown; password?: unknown };
    if (typeof email !== "string" || typeof password !== "string") return invalid("Send an email and a password.");
    const account = await context.db.one("SELECT email, password_hash, salt, role FROM accounts WHERE email = ?", [
      email.trim().toLowerCase(),
    ]);
    // hashed even without an account, so the answer takes as long either way
    const hash = await hashPassword(password, String(account?.salt ?? "no-account"));
    if (!account || !sameHash(hash, String(account.password_hash))) {
      context.logger.info("sign-in refused", { email });
      return invalid("The email or password is wrong.");
    }
    const user: AuthenticatedUser = {
      id: \`\${context.plugin.slug}|\${account.email}\`,
      email: String(account.email),
      roles: [String(account.role)],
    };
    const token = \`tok_\${crypto.randomUUID()}\`;
    const refreshToken = \`ref_\${crypto.randomUUID()}\`;
    const expiresAt = expiry(context);
    await context.db.query("INSERT INTO sessions (token, refresh_token, email, expires_at) VALUES (?, ?, ?, ?)", [
      token,
      refreshToken,
      user.email,
      expiresAt,
    ]);
    return { success: true, user, token, refresh_token: refreshToken, expires_at: expiresAt };
  },

  async authorize(_context, user, _resource, action) {
    const roles = (user as { roles?: unknown } | null)?.roles;
    if (Array.isArray(roles) && roles.includes("admin")) return true;
    // customers read; changes are for admins
    return action === "read";
  },

  async refreshToken(context, refreshToken) {
    const token = \`tok_\${crypto.randomUUID()}\`;
    // the refresh token stays; the access token it was issued with stops being valid
    const updated = await context.db.query(
      "UPDATE sessions SET token = ?, expires_at = ? WHERE refresh_token = ? RETURNING email",
      [token, expiry(context), refreshToken],
    );
    if (updated.length === 0) throw new Error("INVALID_REFRESH_TOKEN: this refresh token was never issued");
    return token;
  },
};

export default plugin;
`;

  const test = `/** ${p.name}, run by Node's test runner (\`node --test\`) against the SDK's in-memory plugin context. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
import { manifest } from "./manifest.ts";
import plugin from "./plugin.ts";
import accounts from "./src/api/accounts.ts";
import beforeAuthenticate from "./src/hooks/beforeAuthenticate.ts";

function createAccount(context: PluginContext, body: unknown) {
  return accounts(
    context,
    new Request("https://store.example/accounts", { method: "POST", body: JSON.stringify(body) }),
  );
}

describe(${str(p.slug)}, () => {
  it("signs in an account with its password, and refuses a wrong one", async () => {
    const { context } = createTestContext({ manifest });
    assert.equal((await createAccount(context, { email: "Ada@Example.com", password: "correct horse" })).status, 201);
    const signedIn = await plugin.authenticate(context, { email: "ada@example.com", password: "correct horse" });
    if (!signedIn.success) assert.fail(signedIn.error.message);
    assert.deepEqual(signedIn.user.roles, ["customer"]);
    const refused = await plugin.authenticate(context, { email: "ada@example.com", password: "wrong horse" });
    assert.deepEqual(refused, {
      success: false,
      error: { code: "INVALID_CREDENTIALS", message: "The email or password is wrong." },
    });
  });

  it("refuses a second account for the same email, and a short password", async () => {
    const { context } = createTestContext({ manifest });
    await createAccount(context, { email: "ada@example.com", password: "correct horse" });
    assert.equal((await createAccount(context, { email: "ada@example.com", password: "another one" })).status, 409);
    assert.equal((await createAccount(context, { email: "bob@example.com", password: "short" })).status, 400);
  });

  it("gives a new access token for a refresh token it issued, and refuses others", async () => {
    const { context } = createTestContext({ manifest });
    await createAccount(context, { email: "ada@example.com", password: "correct horse" });
    const signedIn = await plugin.authenticate(context, { email: "ada@example.com", password: "correct horse" });
    if (!signedIn.success || !signedIn.refresh_token) assert.fail("signed in without a refresh token");
    assert.notEqual(await plugin.refreshToken(context, signedIn.refresh_token), signedIn.token);
    await assert.rejects(plugin.refreshToken(context, "ref_unknown"), /INVALID_REFRESH_TOKEN/);
  });

  it("lets admins change things and customers only read", async () => {
    const { context } = createTestContext({ manifest });
    assert.equal(await plugin.authorize(context, { roles: ["admin"] }, "products", "delete"), true);
    assert.equal(await plugin.authorize(context, { roles: ["customer"] }, "products", "delete"), false);
    assert.equal(await plugin.authorize(context, { roles: ["customer"] }, "products", "read"), true);
  });

  it("signs in with the identifier trimmed and in lower case", async () => {
    const { context } = createTestContext({ manifest });
    const credentials = {
      provider: ${str(p.slug)},
      identifier: "  Ada@Example.COM ",
      metadata: {},
    };
    assert.deepEqual(await beforeAuthenticate(context, { credentials }), {
      ...credentials,
      identifier: "ada@example.com",
    });
  });
});
`;

  return {
    files: {
      "manifest.ts": manifest,
      "plugin.ts": plugin,
      "src/passwords.ts": passwords,
      "src/hooks/beforeAuthenticate.ts": hook,
      "src/api/accounts.ts": endpoint,
      "plugin.test.ts": test,
    },
    readme: {
      summary:
        "An identity provider: `authenticate` (email and password against the plugin's accounts, PBKDF2-hashed), `authorize` (admins may do anything, customers read) and `refreshToken` (`plugin.ts`), with accounts and sessions in the plugin's own database.",
      hooks: [
        "`before_authenticate` (`src/hooks/beforeAuthenticate.ts`): trims and lower-cases the identifier before it is checked.",
      ],
      endpoints: [
        `\`POST /api/plugins/${p.slug}/accounts\` (\`src/api/accounts.ts\`): creates an account, \`{ "email", "password", "role"? }\`; an admin token is required.`,
      ],
      settings: ["`session_minutes` (integer, default 60)"],
      next: 'To sign in through an external identity provider (OAuth, OIDC), exchange the credentials with it in `authenticate`, declaring its host with `.permission({ network: ["accounts.provider.com"], capabilities: ["http"] })` and its client secret as a sensitive setting.',
    },
  };
}
