/** Records one audit entry per event; a redelivered event overwrites its own entry, never adds a second. */
import type { HookHandler } from "@digital-commerce/plugin-sdk";

type Payload = Record<string, { id?: string; email?: string; title?: string; slug?: string } | undefined>;

function summarise(hook: string, data: Payload): { subjectId: string | null; summary: string } {
  const subject = data.product ?? data.order ?? data.payment ?? data.user ?? data.plugin ?? data.credentials;
  const subjectId = subject?.id ?? subject?.slug ?? subject?.email ?? null;
  const label = subject?.title ?? subject?.email ?? subject?.slug ?? subjectId ?? "";
  return { subjectId, summary: `${hook.replaceAll("_", " ")}${label ? `: ${label}` : ""}` };
}

const record: HookHandler<Payload> = async (context, data) => {
  const delivery = context.delivery;
  if (!delivery) return;
  const hook = delivery.hook ?? "unknown";
  const { subjectId, summary } = summarise(hook, data);
  const now = new Date();
  const retentionDays = Number(context.plugin.config.retention_days ?? 90);
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  await context.db.transaction(async (tx) => {
    tx.query(
      "INSERT OR REPLACE INTO entries (event_id, hook, subject_id, summary, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
      [delivery.event_id, hook, subjectId, summary, JSON.stringify(data), now.toISOString()],
    );
    tx.query("DELETE FROM entries WHERE recorded_at < ?", [cutoff]);
  });
};

export default record;
