/**
 * A flood by one plugin: one tenant's recorder is sent 200 slow deliveries at once. The bound (README,
 * "Tenant isolation"): a delivery of any other plugin, of the same tenant or of another one, starts
 * within one main-lane batch of reaching the head of the lane, behind at most TENANT_BATCH_SHARE
 * deliveries of each (tenant, plugin), so it completes in about one batch's time, not behind the flood.
 */
import { describe, expect, it } from "vitest";
import { givenPublished } from "../helpers.ts";
import { deliveryRows, eventually, fire, givenRecorder, hookRun, samplePayloads } from "./helpers.ts";

const FLOOD = 200;
const HANDLER_MS = 250;
// Served in arrival order at 4 in flight, a delivery behind the flood would wait for all of it:
// FLOOD * HANDLER_MS / 4 = 12.5 s.
const BOUND_MS = 6_000;

const allSucceeded = (rows: { status: string }[], n: number) =>
  rows.length === n && rows.every((r) => r.status === "succeeded") ? true : undefined;

describe("a flood by one plugin", { timeout: 90_000 }, () => {
  it("leaves the same tenant's other plugin and every other tenant within the bound", async () => {
    await givenPublished("tally");
    const flooded = await givenRecorder({ delay_ms: HANDLER_MS });
    // the same tenant's other plugin: fast, subscribed to the same hook
    expect((await flooded.api("POST", "/api/admin/plugins/tally/install")).status).toBe(201);
    expect((await flooded.api("POST", "/api/admin/plugins/tally/activate")).status).toBe(200);
    const other = await givenRecorder();

    // the flood: 200 events only the recorder subscribes to, each a slow delivery, of one tenant
    const floodIds = await fire(hookRun(flooded.tenant.id), "after_order_complete", samplePayloads.order, FLOOD);
    const started = Date.now();
    // behind it: the same tenant's other plugin (the recorder gets these too; only tally's are awaited),
    // and another tenant's recorder
    const sameTenantIds = await fire(hookRun(flooded.tenant.id), "after_order_create", samplePayloads.order, 3);
    const otherTenantIds = await fire(hookRun(other.tenant.id), "after_order_create", samplePayloads.order, 3);

    const [sameMs, otherMs] = await Promise.all([
      eventually(async () => {
        const rows = (await deliveryRows(flooded.tenant.id, sameTenantIds)).filter((r) => r.plugin_slug === "tally");
        return allSucceeded(rows, 3) && Date.now() - started;
      }, 30_000),
      eventually(
        async () => allSucceeded(await deliveryRows(other.tenant.id, otherTenantIds), 3) && Date.now() - started,
        30_000,
      ),
    ]);
    const floodRows = await deliveryRows(flooded.tenant.id, floodIds);
    const recorderDone = floodRows.filter((r) => r.plugin_slug === "recorder" && r.status === "succeeded").length;

    expect(sameMs).toBeLessThan(BOUND_MS);
    expect(otherMs).toBeLessThan(BOUND_MS);
    // the flood was still mostly waiting: neither queued behind it
    expect(recorderDone).toBeLessThan(FLOOD / 2);

    // stop the flood: the rest of its deliveries find the plugin inactive and are dead-lettered without running
    expect((await flooded.api("POST", "/api/admin/plugins/recorder/deactivate")).status).toBe(200);
  });
});
