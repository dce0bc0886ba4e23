/**
 * Per-tenant isolation: a tenant flooding the queue with events for a slow plugin does not hold
 * back another tenant's deliveries. Bound (README, "Tenant isolation"): the quiet tenant's
 * deliveries complete within a few batches, not behind the flood.
 */
import { describe, expect, it } from "vitest";
import { deliveryRows, eventually, fire, givenRecorder, hookRun, samplePayloads } from "./helpers.ts";

const FLOOD = 200;
const HANDLER_MS = 250;
// Served in arrival order at 4 in flight, the quiet tenant would wait for the whole flood:
// FLOOD * HANDLER_MS / 4 = 12.5 s (measured 13.7 s with the share switched off; 1.7 s with it on).
const BOUND_MS = 6_000;

describe("tenant isolation", { timeout: 60_000 }, () => {
  it("completes a quiet tenant's events while another tenant's flood of slow deliveries is still queued", async () => {
    const flooding = await givenRecorder({ delay_ms: HANDLER_MS });
    const quiet = await givenRecorder();
    const floodIds = await fire(hookRun(flooding.tenant.id), "after_order_create", samplePayloads.order, FLOOD);
    const started = Date.now();
    const quietIds = await fire(hookRun(quiet.tenant.id), "after_order_create", samplePayloads.order, 3);

    await eventually(async () => {
      const rows = await deliveryRows(quiet.tenant.id, quietIds);
      return rows.length === 3 && rows.every((r) => r.status === "succeeded") ? true : undefined;
    }, 20_000);
    const quietMs = Date.now() - started;
    const floodDone = (await deliveryRows(flooding.tenant.id, floodIds)).filter((r) => r.status === "succeeded").length;

    expect(quietMs).toBeLessThan(BOUND_MS);
    // the flood was still mostly waiting: the quiet tenant did not queue behind it
    expect(floodDone).toBeLessThan(FLOOD / 2);

    // stop the flood: the rest of its deliveries find the plugin inactive and are dead-lettered without running
    expect((await flooding.api("POST", "/api/admin/plugins/recorder/deactivate")).status).toBe(200);
  });
});
