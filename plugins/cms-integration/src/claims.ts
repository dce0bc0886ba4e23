/**
 * One push of a SKU at a time, per store. Strapi's `unique` on the SKU is checked by a read before the
 * insert, not by the database, so two pushes of a new product delivered together (its create and an
 * update right after, which the queue may run side by side) would both find nothing and both create.
 * A claim is a row in the plugin's own database (a Durable Object, so the insert is atomic) with a
 * lease: a push that dies holding one blocks the SKU for LEASE_MS at most.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { CmsError } from "./provider.ts";

/** Longer than a plugin call may last (10 s), so a live holder never loses its claim. */
const LEASE_MS = 30_000;
/** How long a push waits for another push of the same SKU before it gives the attempt back to the queue. */
const WAIT_MS = 4_000;
const POLL_MS = 100;

async function tryClaim(context: PluginContext, sku: string, holder: string): Promise<boolean> {
  const now = Date.now();
  const rows = await context.db.query(
    `INSERT INTO push_claims (sku, holder, until) VALUES (?, ?, ?)
       ON CONFLICT (sku) DO UPDATE SET holder = excluded.holder, until = excluded.until WHERE push_claims.until < ?
       RETURNING holder`,
    [sku, holder, now + LEASE_MS, now],
  );
  return rows.length === 1;
}

/** Runs `push` holding the SKU's claim; waits a little for another holder, then fails so the queue retries. */
export async function withClaim<T>(context: PluginContext, sku: string, push: () => Promise<T>): Promise<T> {
  const holder = `${context.delivery?.id ?? "call"}:${crypto.randomUUID()}`;
  const deadline = Date.now() + WAIT_MS;
  while (!(await tryClaim(context, sku, holder))) {
    if (Date.now() > deadline) {
      throw new CmsError("CMS_BUSY", `another push of SKU ${sku} is still running; this one is retried after it`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    return await push();
  } finally {
    await context.db.query("DELETE FROM push_claims WHERE sku = ? AND holder = ?", [sku, holder]);
  }
}
