/**
 * audit-log: a store's audit trail. Subscribes to every notification hook (the "after" side of
 * the pipeline) and keeps one entry per event in its own database, readable through its endpoint.
 * The reference for a plugin that reacts to events delivered through the queue.
 */
import { createPlugin, HookCatalogue, type HookName } from "@digital-commerce/plugin-sdk";

const notificationHooks = (Object.keys(HookCatalogue) as HookName[]).filter(
  (h) => HookCatalogue[h].kind === "notification",
);

export const manifest = notificationHooks
  .reduce((b, hook) => b.hook(hook, "src/hooks/record.ts"), createPlugin("Audit Log", "audit-log"))
  .version("1.0.0")
  .category("utility")
  .description("Keeps an audit trail of every store event: products, orders, payments, users, sign-ins, plugins.")
  .author("Digital Commerce")
  .apiEndpoint("GET", "/entries", "src/api/entries.ts")
  .setting("retention_days", {
    type: "integer",
    label: "Retention (days)",
    description: "Entries older than this are deleted as new ones arrive.",
    default: 90,
    min: 1,
    max: 3650,
  })
  .permission({ capabilities: ["db", "logger"] })
  .migration(
    "0001_entries",
    `CREATE TABLE entries (
       event_id    TEXT PRIMARY KEY,
       hook        TEXT NOT NULL,
       subject_id  TEXT,
       summary     TEXT NOT NULL,
       data        TEXT NOT NULL,
       recorded_at TEXT NOT NULL
     );
     CREATE INDEX entries_recent ON entries(recorded_at)`,
  )
  .build();
