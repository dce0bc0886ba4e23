/**
 * google-oauth: "Sign in with Google" for a store, as an OpenID Connect relying party on oauth4webapi
 * and jose, sandboxed like any third-party plugin. Browsers sign in through its public endpoints; the
 * platform turns a verified sign-in into a store user and session (the `sessions` capability) and
 * keeps the store's session cookie to itself. Any OpenID provider that behaves like Google's works:
 * the issuer is a setting.
 */
import { createAuthPlugin } from "@digital-commerce/plugin-sdk";

export const manifest = createAuthPlugin("Google Sign-In", "google-oauth")
  .version("1.0.0")
  .description(
    "Sign in with Google (OpenID Connect: authorization code with PKCE, state and nonce; ID tokens verified against Google's keys), hosted-domain restriction, roles by email domain or address, refresh and sign-out.",
  )
  .author("Digital Commerce")
  .homepage("https://developers.google.com/identity/openid-connect/openid-connect")
  .apiEndpoint("GET", "/start", "src/api/start.ts", { auth_required: false })
  .apiEndpoint("GET", "/callback", "src/api/callback.ts", { auth_required: false })
  .apiEndpoint("POST", "/refresh", "src/api/refresh.ts", { auth_required: false })
  .apiEndpoint("POST", "/sign-out", "src/api/sign-out.ts", { auth_required: false })
  .setting("client_id", {
    type: "string",
    label: "Client ID",
    description: "The OAuth client's id from Google Cloud Console (…apps.googleusercontent.com).",
    required: true,
    pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{2,254}$",
  })
  .setting("client_secret", {
    type: "string",
    label: "Client secret",
    description: "The OAuth client's secret (GOCSPX-…).",
    required: true,
    sensitive: true,
    pattern: "^[\\x21-\\x7e]{8,512}$",
  })
  .setting("issuer", {
    type: "url",
    label: "Issuer",
    description:
      "The OpenID provider; Google's by default. Change it only to point at another OpenID provider (a local one in development).",
    egress: true,
    default: "https://accounts.google.com",
  })
  .setting("allowed_domains", {
    type: "string",
    label: "Allowed Google Workspace domains",
    description:
      "Comma-separated hosted domains (the ID token's hd claim) whose accounts may sign in, e.g. example.com; empty: any Google account.",
    pattern:
      "^\\s*[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(\\s*,\\s*[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)*\\s*$",
  })
  .setting("allowed_return_origins", {
    type: "string",
    label: "Allowed return origins",
    description:
      "Comma-separated origins (https://shop.example.com) a finished sign-in may return the browser to, besides paths on this store.",
    pattern: "^\\s*https?://[A-Za-z0-9.-]+(:\\d{1,5})?(\\s*,\\s*https?://[A-Za-z0-9.-]+(:\\d{1,5})?)*\\s*$",
  })
  .setting("role_mapping", {
    type: "json",
    label: "Role mapping",
    description:
      'Roles by address and domain, and what each role grants: {"emails": {"ada@example.com": ["admin"]}, "domains": {"example.com": ["staff"]}, "default": ["customer"], "grants": {"admin": ["*:*"], "staff": ["orders:*"], "customer": ["products:read"]}}. Checked at activation.',
    default: { default: ["customer"], grants: { customer: ["products:read", "orders:read"] } },
  })
  .setting("session_hours", {
    type: "integer",
    label: "Session length (hours)",
    description: "How long a store session opened by a Google sign-in lasts.",
    min: 1,
    max: 720,
    default: 24,
  })
  .setting("prompt", {
    type: "string",
    label: "Prompt",
    description:
      "Google's prompt parameter: consent (asks again, and gives a refresh token every time) or select_account; empty: Google decides.",
    enum: ["consent", "select_account"],
  })
  .permission({
    // discovery and the authorization endpoint; the token and revocation endpoints; the signing keys
    network: ["accounts.google.com", "oauth2.googleapis.com", "www.googleapis.com"],
    capabilities: ["http", "db", "logger", "sessions"],
  })
  // a callback's call holds the sign-in: discovery, the code exchange and the keys, each a round trip to the provider
  .limits({ timeout_ms: 10_000 })
  .migration(
    "0001_flows",
    `CREATE TABLE flows (
       state         TEXT PRIMARY KEY,
       nonce         TEXT NOT NULL,
       code_verifier TEXT NOT NULL,
       redirect_uri  TEXT NOT NULL,
       return_to     TEXT NOT NULL,
       created_at    INTEGER NOT NULL,
       expires_at    INTEGER NOT NULL,
       used_at       INTEGER
     )`,
  )
  .migration(
    "0002_session_tokens",
    `CREATE TABLE session_tokens (
       session_id        TEXT PRIMARY KEY,
       subject           TEXT NOT NULL,
       access_token      TEXT NOT NULL,
       refresh_token     TEXT,
       access_expires_at INTEGER,
       created_at        INTEGER NOT NULL
     )`,
  )
  .build();
