// The demo data `npm run dev` starts with: a tenant, its owner token, and every plugin under plugins/.
import { createHash, randomBytes } from "node:crypto";

export const DEMO_TENANT = { id: "tenant_demo", slug: "demo", name: "Demo Store" };

export function newToken() {
  return `dcp_${randomBytes(24).toString("base64url")}`;
}

const sql = (value) => (value === null ? "NULL" : `'${String(value).replaceAll("'", "''")}'`);

/** The R2 key of a bundle: the same scheme as the API Worker's sandbox/bundles.ts. */
export const bundleKey = (slug, version, hash) => `bundles/${slug}/${version}/${hash}.js`;

/** SQL that makes the demo tenant, replaces its demo tokens, and registers (or refreshes) each plugin bundle. */
export function seedSql({ token, bundles }) {
  const hash = createHash("sha256").update(token).digest("hex");
  const lines = [
    `INSERT INTO tenants (id, slug, name) VALUES (${sql(DEMO_TENANT.id)}, ${sql(DEMO_TENANT.slug)}, ${sql(DEMO_TENANT.name)}) ON CONFLICT(id) DO NOTHING;`,
    `DELETE FROM api_tokens WHERE tenant_id = ${sql(DEMO_TENANT.id)} AND name = 'demo-owner';`,
    `INSERT INTO api_tokens (id, tenant_id, name, role, token_hash) VALUES (${sql(`tok_${randomBytes(8).toString("hex")}`)}, ${sql(DEMO_TENANT.id)}, 'demo-owner', 'owner', ${sql(hash)});`,
  ];
  for (const { manifest: m, hash } of bundles) {
    // in development a plugin's folder is the truth, so a changed plugin replaces the registered one
    lines.push(
      `INSERT INTO plugin_versions (slug, version, manifest, bundle_hash) VALUES (${sql(m.slug)}, ${sql(m.version)}, ${sql(JSON.stringify(m))}, ${sql(hash)}) ON CONFLICT(slug, version) DO UPDATE SET manifest = excluded.manifest, bundle_hash = excluded.bundle_hash;`,
    );
  }
  return lines.join("\n");
}
