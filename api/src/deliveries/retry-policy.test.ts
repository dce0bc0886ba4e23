/** The retry policy: exponential backoff with equal jitter, within Queues' 24-hour delay limit. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffSeconds, MAX_DELAY_SECONDS, retryPolicy } from "./retry-policy.ts";

describe("backoff", () => {
  it("doubles per attempt, between half and all of the exponential delay", () => {
    const policy = retryPolicy({ HOOK_RETRY_BASE_SECONDS: "10" });
    expect([1, 2, 3, 4].map((a) => backoffSeconds(policy, a, () => 0))).toEqual([5, 10, 20, 40]);
    expect([1, 2, 3, 4].map((a) => backoffSeconds(policy, a, () => 0.999999))).toEqual([10, 20, 40, 80]);
  });

  it("never asks Queues for more than 24 hours, whatever the attempt", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = backoffSeconds(retryPolicy({}), attempt, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
        },
      ),
    );
  });
});

describe("attempts", () => {
  it("come from the hook, else the queue's setting, else 5", () => {
    expect(retryPolicy({}).maxAttempts).toBe(5);
    expect(retryPolicy({ HOOK_MAX_ATTEMPTS: "8" }).maxAttempts).toBe(8);
    expect(retryPolicy({ HOOK_MAX_ATTEMPTS: "8" }, 2).maxAttempts).toBe(2);
  });

  it("are set per queue: the analytics queue has its own, falling back to the hook queue's", () => {
    expect(retryPolicy({ HOOK_MAX_ATTEMPTS: "8" }, undefined, "analytics-events").maxAttempts).toBe(8);
    expect(
      retryPolicy({ HOOK_MAX_ATTEMPTS: "8", ANALYTICS_MAX_ATTEMPTS: "3" }, undefined, "analytics-events").maxAttempts,
    ).toBe(3);
  });

  it("stay within Queues' limit of 100 retries", () => {
    expect(retryPolicy({ HOOK_MAX_ATTEMPTS: "1000" }).maxAttempts).toBe(100);
    expect(retryPolicy({ HOOK_MAX_ATTEMPTS: "0" }).maxAttempts).toBe(1);
  });
});
