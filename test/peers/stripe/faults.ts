/**
 * Failures the test asks for, met by the next API requests (control requests are never affected):
 * Stripe down (5xx or a closed connection), a lost answer, a rate limit, a slow answer. Each fault
 * counts down its `requests`, or stays until cleared.
 */
import type { FaultSpec } from "./control-schema.ts";

export type Fault = FaultSpec & { remaining: number | null };

export interface FaultPlan {
  /** What happens instead of (or, for drop_response, after) running the request. */
  outcome: Exclude<Fault, { kind: "delay" }> | null;
  delayMs: number;
}

export class Faults {
  private active: Fault[] = [];

  add(input: FaultSpec): void {
    this.active.push({ ...input, remaining: input.requests ?? null });
  }

  clear(): void {
    this.active = [];
  }

  list(): Fault[] {
    return this.active.map((f) => ({ ...f }));
  }

  /** The plan for one request: the first outcome fault and the first delay, each counted down once. */
  take(): FaultPlan {
    const outcome = this.active.find((f): f is FaultPlan["outcome"] & Fault => f.kind !== "delay") ?? null;
    const delay = this.active.find((f): f is Extract<Fault, { kind: "delay" }> => f.kind === "delay");
    for (const fault of [outcome, delay]) {
      if (fault && fault.remaining !== null) fault.remaining -= 1;
    }
    this.active = this.active.filter((f) => f.remaining === null || f.remaining > 0);
    return {
      outcome,
      delayMs: delay?.ms ?? 0,
    };
  }
}
