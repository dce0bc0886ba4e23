/**
 * A rollout's health: the canary cohort's error rate against the rest's, from each tenant's own call
 * accounting (`plugin_calls` in its ledger, as the health endpoint's callStats counts it: every kind of
 * call but sockets, which are connections). A canary tenant counts from its upgrade, the rest from the
 * rollout's start, so neither counts what the old version did before the rollout. A failed call is an
 * error, a timeout or a limit hit. Each cohort reads at most HEALTH_SAMPLE ledgers (lowest ranks first).
 */
import type { z } from "zod";
import type { ApiEnv } from "../env.ts";
import { ledgerDb } from "../ledger/index.ts";
import { callCounts, callCountsRow } from "../sandbox/index.ts";
import { inTurns } from "./in-turns.ts";

export const HEALTH_SAMPLE = 100;
/** Below this many canary calls there is too little to compare. */
export const MIN_CANARY_CALLS = 5;
/** The canary is worse when its error rate is above the rest's by more than this (absolute). */
export const WORSE_MARGIN = 0.05;

export interface CohortMember {
  tenantId: string;
  /** Calls from this instant count. */
  since: string;
}

export interface CohortHealth {
  tenants: number;
  sampled: number;
  calls: number;
  errors: number;
  timeouts: number;
  limits_exceeded: number;
  /** Failed calls (errors, timeouts, limits) over calls; null without calls. */
  error_rate: number | null;
}

export interface RolloutHealth {
  canary: CohortHealth;
  rest: CohortHealth;
  comparison: "worse" | "no_worse" | "insufficient_data";
  min_canary_calls: number;
  margin: number;
}

async function cohortHealth(env: Pick<ApiEnv, "LEDGER">, slug: string, members: CohortMember[]): Promise<CohortHealth> {
  const sample = members.slice(0, HEALTH_SAMPLE);
  const each = await inTurns(sample, async (m) =>
    callCountsRow.parse(await callCounts(ledgerDb(env, m.tenantId), m.tenantId, slug, m.since).first()),
  );
  const sum = (k: keyof z.infer<typeof callCountsRow>) => each.reduce((n, c) => n + c[k], 0);
  const calls = sum("calls");
  const failed = sum("errors") + sum("timeouts") + sum("limits");
  return {
    tenants: members.length,
    sampled: sample.length,
    calls,
    errors: sum("errors"),
    timeouts: sum("timeouts"),
    limits_exceeded: sum("limits"),
    error_rate: calls === 0 ? null : Math.round((failed / calls) * 10_000) / 10_000,
  };
}

/** The canary's calls and failures against the rest's, and whether the canary does worse. */
export async function rolloutHealth(
  env: Pick<ApiEnv, "LEDGER">,
  slug: string,
  canary: CohortMember[],
  rest: CohortMember[],
): Promise<RolloutHealth> {
  const [c, r] = await Promise.all([cohortHealth(env, slug, canary), cohortHealth(env, slug, rest)]);
  const comparison =
    c.calls < MIN_CANARY_CALLS || c.error_rate === null
      ? "insufficient_data"
      : c.error_rate - (r.error_rate ?? 0) > WORSE_MARGIN
        ? "worse"
        : "no_worse";
  return { canary: c, rest: r, comparison, min_canary_calls: MIN_CANARY_CALLS, margin: WORSE_MARGIN };
}
