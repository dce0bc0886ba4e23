/** Which tenants a share takes: properties that hold for any fleet and any widening. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Ranked, rankOf, shareOf, toTake } from "./cohort.ts";

const fleets = fc.uniqueArray(fc.uuid(), { minLength: 0, maxLength: 60 });
const shares = fc.integer({ min: 0, max: 100 });

async function ranked(ids: string[]): Promise<Ranked[]> {
  return Promise.all(ids.map(async (tenantId) => ({ tenantId, rank: await rankOf("versioned", tenantId) })));
}

/** Starts at `first`, then widens to each of `then` in turn: every tenant taken, in the order taken. */
function widen(population: Ranked[], first: number, then: number[]): string[] {
  const taken: string[] = [];
  for (const share of [first, ...then]) taken.push(...toTake(population, new Set(taken), share).map((p) => p.tenantId));
  return taken;
}

describe("the tenants a share takes", () => {
  it("takes exactly ceil(N × share / 100) of N tenants", async () => {
    await fc.assert(
      fc.asyncProperty(fleets, shares, async (ids, share) => {
        expect(toTake(await ranked(ids), new Set(), share)).toHaveLength(shareOf(ids.length, share));
      }),
    );
  });

  it("takes through any widening exactly what the widest share takes at once, none twice", async () => {
    await fc.assert(
      fc.asyncProperty(fleets, shares, fc.array(shares, { maxLength: 4 }), async (ids, first, then) => {
        const population = await ranked(ids);
        // a rollout only widens: the shares in the order they can come
        const steps = [first, ...then].sort((a, b) => a - b);
        const taken = widen(population, steps[0] ?? 0, steps.slice(1));
        expect(new Set(taken).size).toBe(taken.length);
        const atOnce = toTake(population, new Set(), steps.at(-1) ?? 0).map((p) => p.tenantId);
        expect([...taken].sort()).toEqual([...atOnce].sort());
      }),
    );
  });

  it("ranks a tenant the same way every time, and differently per plugin", async () => {
    const id = "tenant_0d6c1a52-9f3e-4b7a-8c21-6e5f4d3c2b1a";
    expect(await rankOf("versioned", id)).toBe(await rankOf("versioned", id));
    expect(await rankOf("versioned", id)).not.toBe(await rankOf("stripe-gateway", id));
    expect(await rankOf("versioned", id)).toMatch(/^[0-9a-f]{64}$/);
  });
});
