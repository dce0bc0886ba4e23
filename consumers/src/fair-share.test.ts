/** The fair-share plan: properties that hold for any batch. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planBatch, runInOrder } from "./fair-share.ts";

const batches = fc.array(fc.record({ tenant: fc.constantFrom("a", "b", "c", "d"), n: fc.nat() }), { maxLength: 100 });
const tenantOf = (m: { tenant: string }) => m.tenant;

describe("the fair-share plan", () => {
  it("runs or moves to the bulk lane every message exactly once", () => {
    fc.assert(
      fc.property(batches, fc.integer({ min: 1, max: 20 }), (items, share) => {
        const plan = planBatch(items, tenantOf, share);
        expect([...plan.run, ...plan.overflow].sort((x, y) => items.indexOf(x) - items.indexOf(y))).toEqual(
          [...items].sort((x, y) => items.indexOf(x) - items.indexOf(y)),
        );
        expect(plan.run.length + plan.overflow.length).toBe(items.length);
      }),
    );
  });

  it("starts at most `share` deliveries of a tenant, and moves the rest to the bulk lane", () => {
    fc.assert(
      fc.property(batches, fc.integer({ min: 1, max: 20 }), (items, share) => {
        const plan = planBatch(items, tenantOf, share);
        for (const tenant of ["a", "b", "c", "d"]) {
          const total = items.filter((m) => m.tenant === tenant).length;
          expect(plan.run.filter((m) => m.tenant === tenant)).toHaveLength(Math.min(total, share));
        }
      }),
    );
  });

  it("interleaves tenants: no tenant starts a second delivery while another waits for its first", () => {
    fc.assert(
      fc.property(batches, (items) => {
        const { run } = planBatch(items, tenantOf);
        const tenants = new Set(run.map(tenantOf)).size;
        // the first `tenants` deliveries started are one per tenant
        expect(new Set(run.slice(0, tenants).map(tenantOf)).size).toBe(tenants);
      }),
    );
  });

  it("with no share (the bulk lane), runs everything, still tenants interleaved", () => {
    fc.assert(
      fc.property(batches, (items) => {
        const plan = planBatch(items, tenantOf, Number.POSITIVE_INFINITY);
        expect(plan.overflow).toEqual([]);
        expect(plan.run).toHaveLength(items.length);
      }),
    );
  });

  it("keeps a tenant's own deliveries in their queue order", () => {
    fc.assert(
      fc.property(batches, (items) => {
        const { run } = planBatch(items, tenantOf);
        for (const tenant of ["a", "b", "c", "d"]) {
          const mine = run.filter((m) => m.tenant === tenant);
          expect(mine).toEqual(items.filter((m) => m.tenant === tenant).slice(0, mine.length));
        }
      }),
    );
  });
});

describe("runInOrder", () => {
  it("never has more than the concurrency in flight, and runs everything", async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await runInOrder(
      Array.from({ length: 20 }, (_, i) => i),
      async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        done.push(i);
      },
      4,
    );
    expect(peak).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
