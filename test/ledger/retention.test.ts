/**
 * Retention: each tenant's ledger sweeps its own history on its alarm (api/src/ledger/retention.ts).
 * Old rows are written with old timestamps through the ledger's statement API, as any writer would.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_FINISHED_RETENTION_DAYS,
  DEFAULT_RETENTION_DAYS,
  ledgerDb,
  ledgerOf,
  retentionPolicy,
  SWEEP_AGAIN_MS,
  SWEEP_CHUNK_ROWS,
  SWEEP_INTERVAL_MS,
  SWEEP_RULES,
} from "../../api/src/ledger/index.ts";
import { createLogger } from "../../api/src/logging/index.ts";
import { eventually, givenTenantWith, unique } from "../helpers.ts";

const DAY = 24 * 60 * 60 * 1000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
/** Just past the default retention of history, and of finished rows. */
const expired = ago(DEFAULT_RETENTION_DAYS + 1);
const expiredFinished = ago(DEFAULT_FINISHED_RETENTION_DAYS + 1);

/** A ledger of its own for one test (a ledger is reached by any tenant id: no D1 row is needed). */
function givenLedger(tenantId = unique("retention")) {
  const db = ledgerDb(env, tenantId);
  const write = (sql: string, ...params: unknown[]) =>
    db
      .prepare(sql)
      .bind(...params)
      .run();
  const count = async (table: string, where = "1") =>
    (await db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).first<{ n: number }>())?.n ?? 0;
  const alarm = () => runInDurableObject(ledgerOf(env, tenantId), (_o, state) => state.storage.getAlarm());
  const runAlarm = () => runDurableObjectAlarm(ledgerOf(env, tenantId));
  return { tenantId, db, write, count, alarm, runAlarm };
}

type Ledger = ReturnType<typeof givenLedger>;

/** One row of each history table, `at` old: a trace, a plugin's and a webhook's attempt, a call, a security event, a quota hit. */
async function givenHistory(ledger: Ledger, at: string, tag: string) {
  const { tenantId, write } = ledger;
  await write(
    "INSERT INTO hook_traces (trace_id, seq, tenant_id, hook, outcome, duration_ms, steps, created_at) VALUES (?, 0, ?, 'before_product_create', 'completed', 1, '[]', ?)",
    `tr_${tag}`,
    tenantId,
    at,
  );
  await write(
    "INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, outcome) VALUES (?, 1, ?, 3, 'succeeded')",
    `dlv_${tag}`,
    at,
  );
  await write(
    "INSERT INTO plugin_calls (tenant_id, slug, kind, name, started_at, duration_ms, outcome) VALUES (?, 'recorder', 'hook', 'after_product_create', ?, 3, 'ok')",
    tenantId,
    at,
  );
  await write(
    "INSERT INTO plugin_security_events (tenant_id, slug, kind, detail, at) VALUES (?, 'recorder', 'egress_denied', 'example.com', ?)",
    tenantId,
    at,
  );
  await write(
    "INSERT INTO plugin_quota_hits (tenant_id, slug, call_id, quota, at, refused) VALUES (?, 'recorder', ?, 'log_lines_per_call', ?, 1)",
    tenantId,
    `call_${tag}`,
    at,
  );
  await givenWebhookDelivery(ledger, `wd_${tag}`, "failed", at);
  await write(
    "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, outcome, status_code) VALUES (?, 1, ?, 40, 'failed', 500)",
    `wd_${tag}`,
    at,
  );
}

async function givenWebhookDelivery(ledger: Ledger, id: string, status: "succeeded" | "failed", at: string) {
  const { tenantId, write } = ledger;
  await write(
    "INSERT OR IGNORE INTO webhook_endpoints (id, tenant_id, url, events, secret) VALUES ('ep_1', ?, 'https://example.com/hooks', '[\"*\"]', 'sealed')",
    tenantId,
  );
  await write(
    "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, body, status, created_at, updated_at, completed_at) VALUES (?, ?, 'ep_1', ?, 'after_order_create', '{}', ?, ?, ?, ?)",
    id,
    tenantId,
    `evt_${id}`,
    status,
    at,
    at,
    at,
  );
}

async function givenDelivery(ledger: Ledger, id: string, status: string, at: string, eventId = `evt_${id}`) {
  await ledger.write(
    "INSERT INTO deliveries (id, event_id, tenant_id, plugin_slug, hook, status, max_attempts, created_at, updated_at) VALUES (?, ?, ?, 'recorder', 'after_order_create', ?, 5, ?, ?)",
    id,
    eventId,
    ledger.tenantId,
    status,
    at,
    at,
  );
}

async function givenSentEvent(ledger: Ledger, id: string, at: string) {
  await ledger.write(
    "INSERT INTO outbox (id, tenant_id, hook, payload, created_at, sent_at) VALUES (?, ?, 'after_order_create', '{}', ?, ?)",
    id,
    ledger.tenantId,
    at,
    at,
  );
}

async function givenDeadLetter(ledger: Ledger, id: string, deliveryId: string, replayedAt: string | null) {
  await ledger.write(
    "INSERT INTO dead_letters (id, queue, tenant_id, delivery_id, body, attempts, created_at, replayed_at) VALUES (?, 'hook-events-dlq', ?, ?, '{}', 5, ?, ?)",
    id,
    ledger.tenantId,
    deliveryId,
    expiredFinished,
    replayedAt,
  );
}

const historyTables = [
  "hook_traces",
  "delivery_attempts",
  "plugin_calls",
  "plugin_security_events",
  "plugin_quota_hits",
  "webhook_attempts",
];

describe("the retention of a tenant ledger's history", { timeout: 60_000 }, () => {
  afterEach(() => vi.restoreAllMocks());

  it("sweeps traces, attempts and call accounting older than LEDGER_RETENTION_DAYS on its alarm, and keeps younger ones", async () => {
    const ledger = givenLedger();
    await givenHistory(ledger, expired, "old");
    await givenHistory(ledger, ago(DEFAULT_RETENTION_DAYS - 1), "young");
    for (const table of historyTables) expect(await ledger.count(table), table).toBe(2);

    expect(await ledger.runAlarm()).toBe(true);

    for (const table of historyTables) expect(await ledger.count(table), table).toBe(1);
    expect(await ledger.count("hook_traces", "trace_id = 'tr_young'")).toBe(1);
    expect(await ledger.count("delivery_attempts", "delivery_id = 'dlv_young'")).toBe(1);
    expect(await ledger.count("plugin_quota_hits", "call_id = 'call_young'")).toBe(1);
    expect(await ledger.count("webhook_attempts", "delivery_id = 'wd_young'")).toBe(1);
  });

  it("keeps the idempotency record: unfinished deliveries, open dead letters and their deliveries, failed webhook deliveries, commerce rows", async () => {
    const ledger = givenLedger();
    const ancient = ago(400);
    await givenDelivery(ledger, "dlv_pending", "pending", ancient);
    await givenDelivery(ledger, "dlv_running", "running", ancient);
    await givenDelivery(ledger, "dlv_dead_open", "dead", ancient);
    await givenDeadLetter(ledger, "dl_open", "dlv_dead_open", null);
    // a sent event whose delivery is still open: a large payload is read from this row
    await givenSentEvent(ledger, "evt_dlv_pending", ancient);
    await givenWebhookDelivery(ledger, "wd_failed", "failed", ancient);
    await ledger.write(
      "INSERT INTO products (id, tenant_id, title, price, currency, created_at, updated_at) VALUES ('prod_1', ?, 'Mug', 1250, 'USD', ?, ?)",
      ledger.tenantId,
      ancient,
      ancient,
    );
    await ledger.write(
      "INSERT INTO orders (id, tenant_id, total, currency, status, created_at, updated_at) VALUES ('ord_1', ?, 1250, 'USD', 'completed', ?, ?)",
      ledger.tenantId,
      ancient,
      ancient,
    );

    expect(await ledger.runAlarm()).toBe(true);

    expect(await ledger.count("deliveries")).toBe(3);
    expect(await ledger.count("dead_letters", "id = 'dl_open'")).toBe(1);
    expect(await ledger.count("outbox", "id = 'evt_dlv_pending'")).toBe(1);
    expect(await ledger.count("webhook_deliveries", "id = 'wd_failed'")).toBe(1);
    expect(await ledger.count("products")).toBe(1);
    expect(await ledger.count("orders")).toBe(1);
    // what it keeps will be looked at again, an interval from now
    expect(await ledger.alarm()).toBeGreaterThanOrEqual(Date.now() + SWEEP_INTERVAL_MS - 60_000);
  });

  it("removes finished deliveries, sent events, succeeded webhook deliveries and replayed dead letters only after LEDGER_FINISHED_RETENTION_DAYS", async () => {
    const ledger = givenLedger();
    const finishedYoung = ago(DEFAULT_FINISHED_RETENTION_DAYS - 1);
    for (const [tag, at] of [
      ["old", expiredFinished],
      ["young", finishedYoung],
    ] as const) {
      await givenDelivery(ledger, `dlv_ok_${tag}`, "succeeded", at, `evt_${tag}`);
      await givenSentEvent(ledger, `evt_${tag}`, at);
      await givenWebhookDelivery(ledger, `wd_ok_${tag}`, "succeeded", at);
      await givenDeadLetter(ledger, `dl_replayed_${tag}`, `dlv_replayed_${tag}`, at);
    }
    // dead, and its dead letter purged: nothing can replay it any more
    await givenDelivery(ledger, "dlv_dead_purged", "dead", expiredFinished);

    expect(await ledger.runAlarm()).toBe(true);

    expect((await ledger.db.prepare("SELECT id FROM deliveries ORDER BY id").all()).results).toEqual([
      { id: "dlv_ok_young" },
    ]);
    expect((await ledger.db.prepare("SELECT id FROM outbox").all()).results).toEqual([{ id: "evt_young" }]);
    expect((await ledger.db.prepare("SELECT id FROM webhook_deliveries").all()).results).toEqual([
      { id: "wd_ok_young" },
    ]);
    expect((await ledger.db.prepare("SELECT id FROM dead_letters").all()).results).toEqual([
      { id: "dl_replayed_young" },
    ]);
  });

  it("deletes in chunks, comes back soon while a chunk was full, and leaves an empty ledger without an alarm", async () => {
    const ledger = givenLedger();
    await ledger.write(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO plugin_calls (tenant_id, slug, kind, name, started_at, duration_ms, outcome)
       SELECT ?, 'recorder', 'hook', 'after_product_create', ?, 1, 'ok' FROM n`,
      SWEEP_CHUNK_ROWS + 10,
      ledger.tenantId,
      expired,
    );

    expect(await ledger.runAlarm()).toBe(true);
    expect(await ledger.count("plugin_calls")).toBe(10);
    // the rest is due: the alarm is set again within moments, not an interval away
    const again = await ledger.alarm();
    expect(again).not.toBeNull();
    expect(again).toBeLessThanOrEqual(Date.now() + SWEEP_AGAIN_MS);

    expect(await ledger.runAlarm()).toBe(true);
    expect(await ledger.count("plugin_calls")).toBe(0);
    // nothing left that will ever be swept: no alarm, so an idle empty ledger costs nothing
    expect(await ledger.alarm()).toBeNull();
  });

  it("plans a sweep within the interval after a write, never postponed by later writes, and sleeps until the oldest row expires", async () => {
    const ledger = givenLedger();
    const before = Date.now();
    await givenHistory(ledger, ago(1), "first");
    const planned = await ledger.alarm();
    expect(planned).toBeGreaterThanOrEqual(before + SWEEP_INTERVAL_MS);
    expect(planned).toBeLessThanOrEqual(Date.now() + SWEEP_INTERVAL_MS);
    // a busy ledger: each write would plan its own sweep an interval later, and none ever ran
    await new Promise((resolve) => setTimeout(resolve, 20));
    await givenHistory(ledger, ago(0), "second");
    expect(await ledger.alarm()).toBe(planned);

    // swept with nothing due: it next looks when the oldest row expires (day 1 of 7), not every interval
    expect(await ledger.runAlarm()).toBe(true);
    const next = await ledger.alarm();
    expect(next).toBeGreaterThan(Date.now() + (DEFAULT_RETENTION_DAYS - 1.01) * DAY);
    expect(next).toBeLessThan(Date.now() + (DEFAULT_RETENTION_DAYS - 0.99) * DAY);
  });

  it("still re-drives an unsent event at the re-drive delay, then returns to the planned sweep", async () => {
    const { tenant } = await givenTenantWith({});
    const ledger = givenLedger(tenant.id);
    await givenHistory(ledger, ago(1), "h");
    expect(await ledger.alarm()).toBeGreaterThan(Date.now() + SWEEP_INTERVAL_MS - 60_000);

    // an event whose send never happened: the alarm comes forward to the re-drive delay (0 s in the tests)
    await ledger.write(
      "INSERT INTO outbox (id, tenant_id, hook, payload, created_at) VALUES ('evt_unsent', ?, 'after_order_complete', 'null', ?)",
      tenant.id,
      new Date().toISOString(),
    );
    expect(await ledger.alarm()).toBeLessThanOrEqual(
      Date.now() + Number(env.OUTBOX_REDRIVE_AFTER_SECONDS ?? 60) * 1000,
    );

    expect(await ledger.runAlarm()).toBe(true);
    expect(await ledger.count("outbox", "id = 'evt_unsent' AND sent_at IS NOT NULL")).toBe(1);
    // sent: the alarm left is the sweep's, when the oldest history row expires
    expect(await ledger.alarm()).toBeGreaterThan(Date.now() + (DEFAULT_RETENTION_DAYS - 1.01) * DAY);
  });

  it("finds every chunk it deletes, and the oldest row of each table, through an index", async () => {
    const ledger = givenLedger();
    await givenHistory(ledger, ago(0), "x");
    const plans = await runInDurableObject(ledgerOf(env, ledger.tenantId), (_o, state) =>
      SWEEP_RULES.map((rule) => ({
        table: rule.table,
        steps: [
          ...state.storage.sql
            .exec<{ detail: string }>(
              `EXPLAIN QUERY PLAN DELETE FROM ${rule.table} WHERE rowid IN (${rule.candidates})`,
              new Date().toISOString(),
              SWEEP_CHUNK_ROWS,
            )
            .toArray(),
          ...state.storage.sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${rule.oldest}`).toArray(),
        ].map((r) => r.detail),
      })),
    );
    for (const { table, steps } of plans) {
      // "SCAN t" alone reads the whole table; every step must SEARCH an index (or walk one to its first entry)
      for (const step of steps) expect(step, `${table}: ${steps.join(" / ")}`).not.toMatch(/^SCAN \w+$/);
    }
  });

  it.each([["0"], ["-3"], ["seven"], [""], ["Infinity"]])(
    "falls back to the default days with a logged warning when a retention var is %j",
    (value) => {
      const lines = vi.spyOn(console, "log").mockImplementation(() => {});
      const policy = retentionPolicy(
        { LEDGER_RETENTION_DAYS: value, LEDGER_FINISHED_RETENTION_DAYS: value },
        createLogger("warn"),
      );
      expect(policy).toEqual({ historyDays: DEFAULT_RETENTION_DAYS, finishedDays: DEFAULT_FINISHED_RETENTION_DAYS });
      const warnings = lines.mock.calls.map(([line]) => JSON.parse(String(line)) as { level: string; message: string });
      expect(warnings.map((w) => w.level)).toEqual(["warn", "warn"]);
      expect(warnings[0]?.message).toContain("LEDGER_RETENTION_DAYS is not a positive number");
      expect(warnings[1]?.message).toContain("LEDGER_FINISHED_RETENTION_DAYS is not a positive number");
    },
  );

  it("reads fractional days, and never keeps finished rows for less than the history", () => {
    const lines = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(retentionPolicy({ LEDGER_RETENTION_DAYS: "0.5" }, createLogger("warn"))).toEqual({
      historyDays: 0.5,
      finishedDays: DEFAULT_FINISHED_RETENTION_DAYS,
    });
    expect(lines).not.toHaveBeenCalled();
    expect(
      retentionPolicy({ LEDGER_RETENTION_DAYS: "14", LEDGER_FINISHED_RETENTION_DAYS: "3" }, createLogger("warn")),
    ).toEqual({ historyDays: 14, finishedDays: 14 });
    expect(String(lines.mock.calls[0]?.[0])).toContain("shorter than LEDGER_RETENTION_DAYS");
  });
});

/** This run's rows of each group (newer than `since`), by table, as the ledger holds them. */
const groups = {
  history: [
    ["hook_traces", "created_at"],
    ["delivery_attempts", "started_at"],
    ["plugin_calls", "started_at"],
    ["plugin_quota_hits", "at"],
    ["plugin_security_events", "at"],
  ],
  record: [
    ["deliveries", "created_at"],
    ["outbox", "created_at"],
  ],
  commerce: [["products", "created_at"]],
} as const;

type Rows = Record<string, { columns: string[]; rows: unknown[][] }>;

describe("what a tenant ledger holds at the default retention", { timeout: 180_000 }, () => {
  it("measures the bytes one product creation with 2 subscribed plugins adds, and what 100 events/s hold", async () => {
    // core-utils runs a before hook (a trace row); recorder and audit-log both subscribe to after_product_create
    const { tenant, api } = await givenTenantWith({ "core-utils": {}, recorder: {}, "audit-log": {} });
    const ledger = givenLedger(tenant.id);
    const stub = ledgerOf(env, tenant.id);
    const settled = async () =>
      (await ledger.count("deliveries", "status IN ('pending', 'running')")) === 0 &&
      (await ledger.count("outbox", "sent_at IS NULL")) === 0
        ? true
        : undefined;
    await eventually(settled, 30_000);
    const since = new Date().toISOString();
    const before = await runInDurableObject(stub, (_o, state) => state.storage.sql.databaseSize);

    const N = 200;
    for (let i = 0; i < N; i++) {
      const res = await api("POST", "/api/commerce/products", {
        title: `Mug ${i}`,
        sku: `MUG-${i}`,
        price: 1250,
        currency: "USD",
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    await eventually(async () => {
      const done = await ledger.count("deliveries", "hook = 'after_product_create' AND status = 'succeeded'");
      return done === 2 * N ? settled() : undefined;
    }, 90_000);
    const rows = Object.fromEntries(
      await Promise.all(
        [...historyTables, "deliveries", "outbox", "products"].map(async (t) => [t, await ledger.count(t)] as const),
      ),
    );
    const total = (await runInDurableObject(stub, (_o, state) => state.storage.sql.databaseSize)) - before;
    // the share of each kind of row (SQLite here lets no PRAGMA count free pages): this run's rows copied,
    // group by group, into a fresh ledger with the same schema and indexes, its size read after each
    const copied = await runInDurableObject(stub, (_o, state) => {
      const read = (tables: readonly (readonly [string, string])[]): Rows =>
        Object.fromEntries(
          tables.map(([table, column]) => {
            const cursor = state.storage.sql.exec(`SELECT * FROM ${table} WHERE ${column} >= ?`, since);
            const rows = [...cursor.raw()];
            return [table, { columns: cursor.columnNames, rows }];
          }),
        );
      return { history: read(groups.history), record: read(groups.record), commerce: read(groups.commerce) };
    });
    const bytes = await runInDurableObject(ledgerOf(env, unique("measure")), (_o, state) => {
      const { sql } = state.storage;
      const grow = (rows: Rows) => {
        const start = sql.databaseSize;
        for (const [table, { columns, rows: values }] of Object.entries(rows))
          for (const row of values)
            sql.exec(
              `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
              ...(row as (string | number | null)[]),
            );
        return sql.databaseSize - start;
      };
      return { history: grow(copied.history), record: grow(copied.record), commerce: grow(copied.commerce) };
    });
    const perEvent = (n: number) => Math.round(n / N);
    const rate = 100;
    const gb = (bytesPerEvent: number, days: number) => (bytesPerEvent * rate * 86_400 * days) / 1e9;
    const historyGb = gb(bytes.history / N, DEFAULT_RETENTION_DAYS);
    const recordGb = gb(bytes.record / N, DEFAULT_FINISHED_RETENTION_DAYS);
    console.log(
      JSON.stringify({
        events: N,
        rows,
        bytes_per_event: {
          total: perEvent(total),
          history: perEvent(bytes.history),
          idempotency_record: perEvent(bytes.record),
          commerce_row: perEvent(bytes.commerce),
        },
        at_100_events_per_s: {
          history_gb: Number(historyGb.toFixed(1)),
          idempotency_record_gb: Number(recordGb.toFixed(1)),
          commerce_gb_per_day: Number(gb(bytes.commerce / N, 1).toFixed(2)),
        },
        // one Durable Object holds 10 GB: the rate the defaults fit, and the days (both ages) 100 events/s fit
        fits_10_gb: {
          events_per_s_at_default_retention: Number((10 / ((historyGb + recordGb) / rate)).toFixed(1)),
          days_at_100_events_per_s: Number((10 / gb((bytes.history + bytes.record) / N, 1)).toFixed(2)),
        },
      }),
    );
    // the measurement is of something: every kind of row took room
    expect(bytes.history).toBeGreaterThan(0);
    expect(bytes.record).toBeGreaterThan(0);
  });

  it("holds the object for a bounded time while it sweeps a full chunk of every history table", async () => {
    const ledger = givenLedger();
    const fill = (table: string, columns: string, values: string) =>
      ledger.write(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO ${table} (${columns}) SELECT ${values} FROM n`,
        SWEEP_CHUNK_ROWS,
        expired,
      );
    await fill(
      "hook_traces",
      "trace_id, seq, tenant_id, hook, outcome, duration_ms, steps, created_at",
      "'tr_' || i, 0, 't', 'before_product_create', 'completed', 1, '[{\"plugin\":\"core-utils\",\"outcome\":\"transformed\"}]', ?2",
    );
    await fill(
      "delivery_attempts",
      "delivery_id, attempt, started_at, duration_ms, outcome",
      "'dlv_' || i, 1, ?2, 3, 'succeeded'",
    );
    await fill(
      "plugin_calls",
      "tenant_id, slug, kind, name, started_at, duration_ms, outcome",
      "'t', 'recorder', 'hook', 'after_product_create', ?2, 3, 'ok'",
    );
    await fill(
      "plugin_security_events",
      "tenant_id, slug, kind, detail, at",
      "'t', 'recorder', 'egress_denied', 'example.com', ?2",
    );
    await fill(
      "plugin_quota_hits",
      "tenant_id, slug, call_id, quota, at, refused",
      "'t', 'recorder', 'call_' || i, 'log_lines_per_call', ?2, 1",
    );
    const started = Date.now();
    expect(await ledger.runAlarm()).toBe(true);
    const heldMs = Date.now() - started;
    console.log(JSON.stringify({ sweep: { rows: 5 * SWEEP_CHUNK_ROWS, held_ms: heldMs } }));
    for (const table of historyTables) expect(await ledger.count(table), table).toBe(0);
    // every table gave a full chunk: the alarm comes back for what may remain
    expect(await ledger.alarm()).toBeLessThanOrEqual(Date.now() + SWEEP_AGAIN_MS);
  });
});
