/**
 * The type that keeps the two databases apart: D1 (`env.DB`) holds the global, read-mostly tables,
 * a tenant's ledger holds that tenant's hot state.
 */
declare const tenantScoped: unique symbol;
declare const globalScoped: unique symbol;

/** D1: the global, read-mostly tables (tenants, token digests, the plugin catalogue). */
export type GlobalDb = D1Database & { readonly [globalScoped]: true };

/**
 * A database that holds one tenant's hot state: its ledger, over calls (`ledgerDb`) or inside the
 * object (programs). The store functions of tenant tables take this type, so D1 cannot be handed to
 * them by mistake; the global tables' functions take GlobalDb, so a ledger cannot be handed to them.
 */
export type TenantDb = D1Database & { readonly [tenantScoped]: true };
