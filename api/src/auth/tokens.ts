/** Bearer API tokens: random, shown once, stored as SHA-256 digests. */

import { z } from "zod";
import { type Role, roleSchema, roles } from "../admin/answers/index.ts";
import type { GlobalDb } from "../ledger/tenant-db.ts";

// the roles are part of the admin API's answers (admin/answers: whoami), shared with the CLI and the dashboard
export { type Role, roleSchema, roles };

/**
 * Rights a token has beyond its role. A role is about the token's own tenant; a scope grants
 * something that reaches past it: `plugins:publish` adds versions to the catalogue every
 * tenant sees, so no tenant admin has it unless it was issued with it.
 */
export const tokenScopes = ["plugins:publish"] as const;
export const tokenScopeSchema = z.enum(tokenScopes);
export type TokenScope = z.infer<typeof tokenScopeSchema>;

const TOKEN_PREFIX = "dcp_";

export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return TOKEN_PREFIX + base64url(bytes);
}

export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export const principalSchema = z.object({
  tokenId: z.string(),
  tenantId: z.string(),
  tenantSlug: z.string(),
  tenantName: z.string(),
  role: roleSchema,
  // stored as a JSON array; a scope this version does not know is kept, and grants nothing
  scopes: z.string().transform((text) => z.array(z.string()).parse(JSON.parse(text))),
});
/** Who is calling: the token's tenant, role and scopes. Every admin query is scoped by `tenantId`. */
export type Principal = z.infer<typeof principalSchema>;

/**
 * Token lookups are cached in the isolate for a short time: the token table is read
 * on every admin request, and a D1 round trip per request halves the read routes'
 * throughput (see README, Benchmarks). A deleted token therefore keeps working for
 * at most PRINCIPAL_TTL_MS in an isolate that has just seen it.
 */
export const PRINCIPAL_TTL_MS = 30_000;
const MAX_CACHED = 1_000;
const principals = new Map<string, { principal: Principal; expires: number }>();

export async function findPrincipal(db: GlobalDb, token: string): Promise<Principal | null> {
  // keyed by the token itself, so a hit costs no digest (2-3% of a request's time on the hot path);
  // the token is in this isolate's memory for the request anyway, and never leaves it
  const cached = principals.get(token);
  if (cached && cached.expires > Date.now()) return cached.principal;
  const principal = await lookupPrincipal(db, await hashToken(token));
  if (principal) {
    if (principals.size >= MAX_CACHED) principals.delete(principals.keys().next().value as string);
    principals.set(token, { principal, expires: Date.now() + PRINCIPAL_TTL_MS });
  } else {
    principals.delete(token);
  }
  return principal;
}

async function lookupPrincipal(db: GlobalDb, hash: string): Promise<Principal | null> {
  const row = await db
    .prepare(
      `SELECT t.id AS tokenId, t.tenant_id AS tenantId, n.slug AS tenantSlug, n.name AS tenantName, t.role AS role,
              t.scopes AS scopes
         FROM api_tokens t JOIN tenants n ON n.id = t.tenant_id
        WHERE t.token_hash = ?`,
    )
    .bind(hash)
    .first();
  return row === null ? null : principalSchema.parse(row);
}

/** Creates a token for a tenant, with `scopes` beyond its role, and returns it in clear: the only time it is seen. */
export async function issueToken(
  db: GlobalDb,
  tenantId: string,
  role: Role,
  name: string,
  scopes: readonly TokenScope[] = [],
): Promise<string> {
  const token = generateToken();
  await db
    .prepare("INSERT INTO api_tokens (id, tenant_id, name, role, token_hash, scopes) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(crypto.randomUUID(), tenantId, name, role, await hashToken(token), JSON.stringify([...new Set(scopes)]))
    .run();
  return token;
}
