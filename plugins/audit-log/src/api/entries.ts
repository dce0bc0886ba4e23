/** GET /entries?limit=50&hook=after_order_create: the newest entries first. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";

export default async function entries(context: PluginContext, request: Request) {
  const url = new URL(request.url);
  const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 50) || 50, 1), 500);
  const hook = url.searchParams.get("hook");
  const rows = await context.db.query(
    `SELECT event_id, hook, subject_id, summary, recorded_at FROM entries
      ${hook ? "WHERE hook = ?" : ""} ORDER BY recorded_at DESC LIMIT ?`,
    hook ? [hook, limit] : [limit],
  );
  return { entries: rows };
}
