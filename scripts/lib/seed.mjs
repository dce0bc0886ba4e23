// The demo data `npm run dev` starts with: a tenant, its owner token, and every plugin under plugins/.
import { createHash, randomBytes } from "node:crypto";

export const DEMO_TENANT = { id: "tenant_demo", slug: "demo", name: "Demo Store" };

export function newToken() {
  return `dcp_${randomBytes(24).toString("base64url")}`;
}

const sql = (value) => (value === null ? "NULL" : `'${String(value).replaceAll("'", "''")}'`);

/** SQL that makes the demo tenant, replaces its demo tokens, and registers (or refreshes) each manifest. */
export function seedSql({ token, manifests }) {
  const hash = createHash("sha256").update(token).digest("hex");
  const lines = [
    `INSERT INTO tenants (id, slug, name) VALUES (${sql(DEMO_TENANT.id)}, ${sql(DEMO_TENANT.slug)}, ${sql(DEMO_TENANT.name)}) ON CONFLICT(id) DO NOTHING;`,
    `DELETE FROM api_tokens WHERE tenant_id = ${sql(DEMO_TENANT.id)} AND name = 'demo-owner';`,
    `INSERT INTO api_tokens (id, tenant_id, name, role, token_hash) VALUES (${sql(`tok_${randomBytes(8).toString("hex")}`)}, ${sql(DEMO_TENANT.id)}, 'demo-owner', 'owner', ${sql(hash)});`,
  ];
  for (const m of manifests) {
    // in development a plugin's folder is the truth, so a changed manifest replaces the registered one
    lines.push(
      `INSERT INTO plugin_versions (slug, version, manifest) VALUES (${sql(m.slug)}, ${sql(m.version)}, ${sql(JSON.stringify(m))}) ON CONFLICT(slug, version) DO UPDATE SET manifest = excluded.manifest;`,
    );
  }
  return lines.join("\n");
}
