/**
 * The analytics plugin `admin-cli scaffold analytics` writes: tracked events stored once each in
 * its own database, metrics counted by interval, a dashboard, a hook recording orders, and an
 * endpoint with the counts.
 */
import { manifestHead, manifestStart, type PluginNames, str } from "./names.ts";
import type { CategoryTemplate } from "./template.ts";

export function analyticsTemplate(p: PluginNames): CategoryTemplate {
  const manifest = `/** ${p.name}: an analytics provider. Events are stored in the plugin's own database and counted there. */
import { createAnalyticsPlugin } from "@digital-commerce/plugin-sdk";

${manifestStart("createAnalyticsPlugin", p)}
${manifestHead(p, `${p.name} analytics`)}
  .hook("after_order_create", "src/hooks/afterOrderCreate.ts")
  .apiEndpoint("GET", "/counts", "src/api/counts.ts")
  .setting("retention_days", {
    type: "integer",
    label: "Retention (days)",
    description: "Events older than this are deleted as new ones arrive.",
    default: 90,
    min: 1,
    max: 3650,
  })
  .permission({ capabilities: ["db", "logger"] })
  .migration(
    "0001_events",
    \`CREATE TABLE events (
       id          TEXT PRIMARY KEY,
       name        TEXT NOT NULL,
       properties  TEXT NOT NULL,
       user_id     TEXT,
       occurred_at TEXT NOT NULL
     );
     CREATE INDEX events_by_name ON events(name, occurred_at)\`,
  )
  .build();
`;

  const events = `/** The plugin's event store: one row per event, however often the queue delivers it. */
import type { EventData, PluginContext } from "@digital-commerce/plugin-sdk";

/**
 * Stores \`event\` under \`id\` (a second delivery of the same event changes nothing) and drops
 * events past the configured retention.
 */
export async function recordEvent(context: PluginContext, id: string, event: EventData): Promise<void> {
  const retentionDays = Number(context.plugin.config.retention_days ?? 90);
  const cutoff = new Date(Date.now() - retentionDays * 86_400_000).toISOString();
  await context.db.transaction(async (tx) => {
    tx.query(
      "INSERT INTO events (id, name, properties, user_id, occurred_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
      [
        id,
        event.event,
        JSON.stringify(event.properties),
        event.user_id ?? null,
        event.timestamp ?? new Date().toISOString(),
      ],
    );
    tx.query("DELETE FROM events WHERE occurred_at < ?", [cutoff]);
  });
}

/** How many events of each name were stored. */
export async function countsByName(context: PluginContext): Promise<{ event: string; count: number }[]> {
  const rows = await context.db.query("SELECT name, COUNT(*) AS count FROM events GROUP BY name ORDER BY name");
  return rows.map((r) => ({ event: String(r.name), count: Number(r.count) }));
}
`;

  const hook = `/** after_order_create: records an "order_created" event with the order's total, once per order. */
import type { HookHandler, OrderHookData } from "@digital-commerce/plugin-sdk";
import { recordEvent } from "../events.ts";

// a notification arrives at least once: the delivery's key (the same on every attempt) is the event's id
const afterOrderCreate: HookHandler<OrderHookData> = async (context, data) => {
  const id = context.delivery?.idempotency_key ?? data.order.id ?? crypto.randomUUID();
  await recordEvent(context, id, {
    event: "order_created",
    properties: { total: data.order.total, currency: data.order.currency, items: data.order.items.length },
    ...(data.order.customer_id ? { user_id: data.order.customer_id } : {}),
  });
};

export default afterOrderCreate;
`;

  const endpoint = `/** GET /api/plugins/${p.slug}/counts: how many events of each name were stored. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { countsByName } from "../events.ts";

export default async function counts(context: PluginContext) {
  return { counts: await countsByName(context) };
}
`;

  const plugin = `/**
 * ${p.name}'s analytics methods. The queue delivers each event at least once, so an event is
 * stored under the delivery's idempotency key: a redelivered event is counted once.
 */
import type { MetricsQuery, PluginImplementation } from "@digital-commerce/plugin-sdk";
import { countsByName, recordEvent } from "./src/events.ts";

/** SQLite expressions that cut an ISO timestamp down to the start of its bucket. */
const bucketOf: Record<MetricsQuery["interval"], string> = {
  hour: "substr(occurred_at, 1, 13) || ':00:00Z'",
  day: "substr(occurred_at, 1, 10) || 'T00:00:00Z'",
  week: "date(substr(occurred_at, 1, 10), '-6 days', 'weekday 1') || 'T00:00:00Z'",
  month: "substr(occurred_at, 1, 7) || '-01T00:00:00Z'",
};

const plugin: PluginImplementation<"analytics"> = {
  async trackEvent(context, event) {
    const id = context.delivery?.idempotency_key ?? context.idempotency_key ?? crypto.randomUUID();
    await recordEvent(context, id, event);
  },

  async getMetrics(context, query) {
    // stored times are UTC ISO strings; the query's may carry an offset
    const from = new Date(query.from).toISOString();
    const to = new Date(query.to).toISOString();
    const series = [];
    for (const metric of query.metrics) {
      const rows = await context.db.query(
        \`SELECT \${bucketOf[query.interval]} AS bucket, COUNT(*) AS count FROM events
          WHERE name = ? AND occurred_at BETWEEN ? AND ? GROUP BY bucket ORDER BY bucket\`,
        [metric, from, to],
      );
      const points = rows.map((r) => ({ timestamp: String(r.bucket), value: Number(r.count) }));
      series.push({ metric, points, total: points.reduce((sum, point) => sum + point.value, 0) });
    }
    return { series };
  },

  async getDashboard(context, dashboardId) {
    if (dashboardId !== "overview") {
      throw new Error(\`DASHBOARD_NOT_FOUND: no dashboard "\${dashboardId}"; this plugin has "overview"\`);
    }
    return {
      id: "overview",
      title: "Events",
      widgets: [{ id: "counts", title: "Events by name", type: "table", data: await countsByName(context) }],
      updated_at: new Date().toISOString(),
    };
  },
};

export default plugin;
`;

  const test = `/** ${p.name}, run by Node's test runner (\`node --test\`) against the SDK's in-memory plugin context. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
import { manifest } from "./manifest.ts";
import plugin from "./plugin.ts";
import counts from "./src/api/counts.ts";
import afterOrderCreate from "./src/hooks/afterOrderCreate.ts";

const delivery = (key: string) => ({ id: \`dl_\${key}\`, event_id: \`ev_\${key}\`, attempt: 1, idempotency_key: key });
// within the retention period, whenever the tests run: YYYY-MM-DD of \`n\` days ago
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const event = { event: "checkout_started", properties: { cart_value: 42 }, timestamp: \`\${daysAgo(2)}T10:15:00Z\` };

describe(${str(p.slug)}, () => {
  it("counts an event once however often the queue delivers it", async () => {
    const t = createTestContext({ manifest, delivery: delivery("k-1") });
    await plugin.trackEvent(t.context, event);
    await plugin.trackEvent(t.context, event);
    assert.deepEqual(await counts(t.context), { counts: [{ event: "checkout_started", count: 1 }] });
  });

  it("answers metrics per day over the asked period", async () => {
    const { context } = createTestContext({ manifest });
    await plugin.trackEvent(context, event);
    await plugin.trackEvent(context, { ...event, timestamp: \`\${daysAgo(2)}T18:00:00Z\` });
    await plugin.trackEvent(context, { ...event, timestamp: \`\${daysAgo(1)}T09:00:00Z\` });
    const result = await plugin.getMetrics(context, {
      metrics: ["checkout_started"],
      from: \`\${daysAgo(3)}T00:00:00Z\`,
      to: \`\${daysAgo(2)}T23:59:59Z\`,
      interval: "day",
      filters: {},
      group_by: [],
    });
    assert.deepEqual(result.series, [
      { metric: "checkout_started", points: [{ timestamp: \`\${daysAgo(2)}T00:00:00Z\`, value: 2 }], total: 2 },
    ]);
  });

  it("records each order once, with its total", async () => {
    const t = createTestContext({ manifest, delivery: delivery("order-1") });
    const order = {
      id: "ord_1",
      items: [{ product_id: "p1", quantity: 2, unit_price: 5 }],
      total: 10,
      currency: "USD",
      metadata: {},
    };
    await afterOrderCreate(t.context, { order });
    await afterOrderCreate(t.context, { order });
    const dashboard = await plugin.getDashboard(t.context, "overview");
    assert.deepEqual(dashboard.widgets[0]?.data, [{ event: "order_created", count: 1 }]);
  });

  it("refuses a dashboard it does not have", async () => {
    const { context } = createTestContext({ manifest });
    await assert.rejects(plugin.getDashboard(context, "sales"), /DASHBOARD_NOT_FOUND/);
  });
});
`;

  return {
    files: {
      "manifest.ts": manifest,
      "plugin.ts": plugin,
      "src/events.ts": events,
      "src/hooks/afterOrderCreate.ts": hook,
      "src/api/counts.ts": endpoint,
      "plugin.test.ts": test,
    },
    readme: {
      summary:
        "An analytics provider: `trackEvent` stores each event once (the queue delivers at least once, so an event is keyed by its delivery's idempotency key), `getMetrics` counts them per hour, day, week or month, `getDashboard` answers the `overview` dashboard (`plugin.ts`).",
      hooks: [
        "`after_order_create` (`src/hooks/afterOrderCreate.ts`): records an `order_created` event with the order's total.",
      ],
      endpoints: [
        `\`GET /api/plugins/${p.slug}/counts\` (\`src/api/counts.ts\`): how many events of each name were stored.`,
      ],
      settings: ["`retention_days` (integer, default 90)"],
      next: 'To forward events to an analytics service as well, post them from `trackEvent` with `context.http`, declaring its host with `.permission({ network: ["api.analytics.com"], capabilities: ["http"] })` and passing the delivery\'s idempotency key along.',
    },
  };
}
