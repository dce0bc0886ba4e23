/** Fixtures of the pipeline tests: a tenant with the recorder plugin, events fired as operations fire them, polling. */
import { env } from "cloudflare:test";
import type { HookName, HookPayload } from "@digital-commerce/plugin-sdk";
import { expect } from "vitest";
import { commitWithEvents, type HookRun, notification } from "../../api/src/hooks/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { givenPublished, givenSandboxDeps, givenTenant } from "../helpers.ts";

/**
 * A HookRun as a request of `tenantId` makes one, with `overrides` of its bindings (e.g. a queue that
 * refuses sends); `settle()` waits for its waitUntil work, as the end of a request does.
 */
export function hookRun(
  tenantId: string,
  overrides: Partial<Cloudflare.Env> = {},
): HookRun & { settle(): Promise<void> } {
  const deps = givenSandboxDeps(overrides);
  return {
    settle: deps.settle,
    tenantId,
    traceId: `tr_test_${crypto.randomUUID().replaceAll("-", "")}`,
    deps,
    db: ledgerDb(deps.env, tenantId),
  };
}

/** A tenant with the recorder plugin installed with `config` and active. */
export async function givenRecorder(config: Record<string, unknown> = {}) {
  await givenPublished("recorder");
  const given = await givenTenant();
  expect((await given.api("POST", "/api/admin/plugins/recorder/install", { config })).status).toBe(201);
  expect((await given.api("POST", "/api/admin/plugins/recorder/activate")).status).toBe(200);
  return given;
}

/** Commits `count` events of `hook` as an operation would (with an unrelated write in the same batch); returns their ids. */
export async function fire<H extends HookName>(
  run: HookRun,
  hook: H,
  payload: HookPayload<H>,
  count = 1,
): Promise<string[]> {
  const events = Array.from({ length: count }, () => notification(run, hook, payload));
  await commitWithEvents(run, [run.db.prepare("SELECT 1")], events);
  return events.map((e) => e.message.id);
}

export interface Recorded {
  calls: { delivery_id: string; event_id: string; attempt: number; payload: string }[];
  effects: { delivery_id: string; event_id: string; idempotency_key: string }[];
}

export async function recorded(api: Awaited<ReturnType<typeof givenTenant>>["api"]): Promise<Recorded> {
  const res = await api<Recorded>("GET", "/api/plugins/recorder/calls");
  expect(res.status).toBe(200);
  return res.body;
}

export { eventually } from "../helpers.ts";

export interface DeliveryRow {
  id: string;
  event_id: string;
  plugin_slug: string;
  hook: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

/** The tenant's delivery rows of the events (in chunks: D1's statement API binds at most 100 values). */
export async function deliveryRows(tenantId: string, eventIds: string[]): Promise<DeliveryRow[]> {
  const rows: DeliveryRow[] = [];
  for (let i = 0; i < eventIds.length; i += 90) {
    const chunk = eventIds.slice(i, i + 90);
    const { results } = await ledgerDb(env, tenantId)
      .prepare(
        `SELECT id, event_id, plugin_slug, hook, status, attempts, last_error FROM deliveries
        WHERE event_id IN (${chunk.map(() => "?").join(", ")})`,
      )
      .bind(...chunk)
      .all<DeliveryRow>();
    rows.push(...results);
  }
  return rows;
}

export const samplePayloads = {
  product: { product: { id: "p_1", title: "Mug", price: 12, currency: "USD", metadata: {} } },
  order: {
    order: {
      id: "o_1",
      items: [{ product_id: "p_1", quantity: 1, unit_price: 12 }],
      total: 12,
      currency: "USD",
      metadata: {},
    },
  },
  payment: { payment: { id: "pay_1", amount: 12, currency: "USD", metadata: {} } },
  user: { user: { id: "u_1", email: "ada@example.com", metadata: {} } },
  auth: { credentials: { provider: "test-auth", metadata: {} }, user: { email: "ada@example.com", metadata: {} } },
  plugin: (tenantId: string) => ({ plugin: { slug: "recorder", version: "1.0.0" }, tenant_id: tenantId }),
};
