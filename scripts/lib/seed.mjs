// The demo data `npm run dev` starts with: a tenant, its owner token, and every plugin under plugins/.
import { createHash, randomBytes } from "node:crypto";

export const DEMO_TENANT = { id: "tenant_demo", slug: "demo", name: "Demo Store" };

export function newToken() {
  return `dcp_${randomBytes(24).toString("base64url")}`;
}

const sql = (value) => (value === null ? "NULL" : `'${String(value).replaceAll("'", "''")}'`);

/** The R2 key of a bundle: the same scheme as the API Worker's sandbox/bundles.ts. */
export const bundleKey = (slug, version, hash) => `bundles/${slug}/${version}/${hash}.js`;

/**
 * SQL that makes `tenant` (unless it exists) and replaces its owner token called `tokenName` with `token`,
 * which has `scopes` beyond the owner role (api/src/auth/tokens.ts).
 */
function tenantSql(tenant, token, tokenName, scopes = []) {
  const hash = createHash("sha256").update(token).digest("hex");
  return [
    `INSERT INTO tenants (id, slug, name) VALUES (${sql(tenant.id)}, ${sql(tenant.slug)}, ${sql(tenant.name)}) ON CONFLICT(id) DO NOTHING;`,
    `DELETE FROM api_tokens WHERE tenant_id = ${sql(tenant.id)} AND name = ${sql(tokenName)};`,
    `INSERT INTO api_tokens (id, tenant_id, name, role, token_hash, scopes) VALUES (${sql(`tok_${randomBytes(8).toString("hex")}`)}, ${sql(tenant.id)}, ${sql(tokenName)}, 'owner', ${sql(hash)}, ${sql(JSON.stringify(scopes))});`,
  ];
}

/**
 * SQL that makes the demo tenant, replaces its demo tokens, and registers (or refreshes) each plugin bundle;
 * `tenants` (`{ id, slug, name, token }`, for the benchmarks) are made the same way, each with an owner token.
 */
export function seedSql({ token, bundles, tenants = [] }) {
  const lines = [
    // so `npm run dev` users can publish their plugins (admin-cli publish) to the local catalogue
    ...tenantSql(DEMO_TENANT, token, "demo-owner", ["plugins:publish"]),
    ...tenants.flatMap((t) => tenantSql(t, t.token, `${t.slug}-owner`)),
  ];
  for (const { manifest: m, hash } of bundles) {
    // in development a plugin's folder is the truth, so a changed plugin replaces the registered one
    lines.push(
      `INSERT INTO plugin_versions (slug, version, manifest, bundle_hash) VALUES (${sql(m.slug)}, ${sql(m.version)}, ${sql(JSON.stringify(m))}, ${sql(hash)}) ON CONFLICT(slug, version) DO UPDATE SET manifest = excluded.manifest, bundle_hash = excluded.bundle_hash;`,
    );
  }
  return lines.join("\n");
}
