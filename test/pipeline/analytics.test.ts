/** Analytics events: from operations and from plugins, through the analytics queue, in batches, to the tenant's analytics plugins. */

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { analyticsEvent, commitWithEvents } from "../../api/src/hooks/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { givenActive, givenStore } from "../commerce/given.ts";
import { eventually, hookRun } from "./helpers.ts";

type Tracked = { events: { id: string; name: string; properties: Record<string, unknown> }[] };

describe("analytics events", { timeout: 30_000 }, () => {
  it("reach the tenant's analytics plugin from the operations that track them", async () => {
    const store = await givenStore();
    await givenActive(store, "test-analytics");
    const created = await store.shop("POST", "/api/commerce/products", { title: "Mug", price: 12, currency: "USD" });
    expect(created.status).toBe(201);
    const tracked = await eventually(async () => {
      const res = await store.api<Tracked>("GET", "/api/plugins/test-analytics/events");
      return res.body.events.find((e) => e.name === "product_created");
    });
    expect(tracked.properties).toMatchObject({ product_id: (created.body as { id: string }).id });
  });

  it("reach it from a plugin's context.events.track", async () => {
    const store = await givenStore();
    await givenActive(store, "probe");
    await givenActive(store, "test-analytics");
    const res = await store.api("POST", "/api/plugins/probe/events", {
      event: "probe_clicked",
      data: { button: "buy" },
      track: true,
    });
    expect(res.status).toBe(200);
    const tracked = await eventually(async () => {
      const list = await store.api<Tracked>("GET", "/api/plugins/test-analytics/events");
      return list.body.events.find((e) => e.name === "probe_clicked");
    });
    expect(tracked.properties).toEqual({ button: "buy" });
  });

  it("go to the plugin in batches: one call carries many events", async () => {
    const store = await givenStore();
    await givenActive(store, "test-analytics");
    const run = hookRun(store.tenant.id);
    const events = Array.from({ length: 20 }, (_, i) =>
      analyticsEvent(run, { event: "page_viewed", properties: { page: i } }),
    );
    await commitWithEvents(run, [], events);
    await eventually(async () => {
      const list = await store.api<Tracked>("GET", "/api/plugins/test-analytics/events");
      return list.body.events.filter((e) => e.name === "page_viewed").length === 20 ? true : undefined;
    });
    // accounting reaches the ledger with the consumer's next call-log flush (sandbox/call-log.ts)
    const calls = await eventually(async () => {
      const row = await ledgerDb(env, store.tenant.id)
        .prepare(
          "SELECT COUNT(*) AS n FROM plugin_calls WHERE tenant_id = ? AND slug = 'test-analytics' AND kind = 'method' AND name = 'trackEvent'",
        )
        .bind(store.tenant.id)
        .first<{ n: number }>();
      return row && row.n > 0 ? row : undefined;
    });
    expect(calls?.n).toBeLessThan(5);
  });
});
