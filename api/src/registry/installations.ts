/** A tenant's installed plugins: version, state, configuration and granted permissions. */

import { type Permissions, permissionsSchema } from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { type PluginState, pluginState, pluginStates } from "../admin/answers/index.ts";
import type { TenantDb } from "../ledger/tenant-db.ts";

// the states are part of the admin API's answers (admin/answers), shared with the CLI and the dashboard
export { type PluginState, pluginState, pluginStates };

const json = <T extends z.ZodType>(schema: T) => z.string().transform((text) => schema.parse(JSON.parse(text)));

const installationRow = z.object({
  tenant_id: z.string(),
  slug: z.string(),
  version: z.string(),
  state: pluginState,
  config: json(z.record(z.string(), z.unknown())),
  permissions: json(permissionsSchema),
  as_dependency: z.number().transform((n) => n === 1),
  installed_at: z.string(),
  updated_at: z.string(),
});
export type Installation = z.infer<typeof installationRow>;

/** An installations row as the ledger returns it (a cached view's), parsed. */
export function parseInstallation(row: unknown): Installation {
  return installationRow.parse(row);
}

export async function listInstallations(db: TenantDb, tenantId: string): Promise<Installation[]> {
  const { results } = await db
    .prepare("SELECT * FROM installations WHERE tenant_id = ? ORDER BY slug")
    .bind(tenantId)
    .all();
  return results.map((row) => installationRow.parse(row));
}

export async function findInstallation(db: TenantDb, tenantId: string, slug: string): Promise<Installation | null> {
  const row = await db
    .prepare("SELECT * FROM installations WHERE tenant_id = ? AND slug = ?")
    .bind(tenantId, slug)
    .first();
  return row === null ? null : installationRow.parse(row);
}

export type { Permissions };
