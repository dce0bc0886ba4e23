/** Tenants: the stores that install plugins. Every installation, token and event belongs to one. */

import { z } from "zod";
import type { GlobalDb } from "../ledger/tenant-db.ts";

export const tenantSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  settings: z.string().transform((text) => z.record(z.string(), z.unknown()).parse(JSON.parse(text))),
});
export type Tenant = z.infer<typeof tenantSchema>;

export async function createTenant(db: GlobalDb, input: { slug: string; name: string; id?: string }): Promise<Tenant> {
  const id = input.id ?? `tenant_${crypto.randomUUID()}`;
  await db.prepare("INSERT INTO tenants (id, slug, name) VALUES (?, ?, ?)").bind(id, input.slug, input.name).run();
  return { id, slug: input.slug, name: input.name, settings: {} };
}

export async function findTenant(db: GlobalDb, id: string): Promise<Tenant | null> {
  const row = await db.prepare("SELECT id, slug, name, settings FROM tenants WHERE id = ?").bind(id).first();
  return row === null ? null : tenantSchema.parse(row);
}
