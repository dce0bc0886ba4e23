/**
 * analytics-dashboard on the platform: events produced by real orders, payments and refunds through
 * the commerce API and the analytics queue, read back through GET /metrics and checked against
 * figures this test computes from what it ordered. Amounts are minor units (JPY has none: 1500 is ¥1,500).
 */
import type { EventData } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { activeTargetsOf, analyticsEvent, commitWithEvents } from "../../../api/src/hooks/index.ts";
import { callPluginMethodBatch } from "../../../api/src/sandbox/index.ts";
import {
  eventually,
  givenActive,
  givenPaymentsStore,
  givenProduct,
  operate,
  type Payment,
  pay,
  type Store,
} from "../../../test/commerce/given.ts";
import { givenSandboxDeps } from "../../../test/helpers.ts";
import { hookRun } from "../../../test/pipeline/helpers.ts";

const SLUG = "analytics-dashboard";
const HOUR = 3_600_000;

interface Series {
  metric: string;
  group?: Record<string, string>;
  points: { timestamp: string; value: number }[];
  total?: number;
  previous?: { points: { timestamp: string; value: number }[]; total?: number };
}
interface Metrics {
  time_zone: string;
  series: Series[];
}
interface Refusal {
  error: { code: string; message: string; field: string };
}

async function givenDashboardStore(config?: Record<string, unknown>): Promise<Store> {
  const store = await givenPaymentsStore({ capture: "automatic" });
  await givenActive(store, SLUG, config);
  return store;
}

const metrics = (store: Store, query: string) => store.api<Metrics>("GET", `/api/plugins/${SLUG}/metrics?${query}`);

/** The series' total for `metric` (and currency), or undefined when there is no such series. */
function totalOf(m: Metrics, metric: string, group: Record<string, string> = {}): number | undefined {
  return m.series.find((s) => s.metric === metric && Object.entries(group).every(([k, v]) => s.group?.[k] === v))
    ?.total;
}

/** Places an order and pays it in full (captured at once); returns the order's total. */
async function orderAndPay(
  store: Store,
  items: { product_id: string; quantity: number }[],
  customer?: string,
): Promise<{ orderId: string; payment: Payment }> {
  const order = await store.shop<{ id: string; total: number }>("POST", "/api/commerce/orders", {
    items,
    ...(customer ? { customer_id: customer } : {}),
  });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  const paid = await pay(store, { order_id: order.body.id });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  expect(paid.body.status).toBe("captured");
  return { orderId: order.body.id, payment: paid.body };
}

describe("metrics from real orders, payments and refunds", { timeout: 60_000 }, () => {
  it("counts revenue gross and net, orders, AOV, refunds, returning customers and top products, per currency", async () => {
    const store = await givenDashboardStore();
    const mug = await givenProduct(store, { title: "Mug", price: 1200, currency: "USD" });
    const shirt = await givenProduct(store, { title: "Shirt", price: 2500, currency: "USD" });
    const tea = await givenProduct(store, { title: "Tea", price: 1500, currency: "JPY" });

    const placed = [
      { items: [{ product_id: mug.id, quantity: 3 }], customer: "cus_ann", currency: "USD" },
      { items: [{ product_id: shirt.id, quantity: 1 }], customer: "cus_ann", currency: "USD" },
      {
        items: [
          { product_id: mug.id, quantity: 1 },
          { product_id: shirt.id, quantity: 2 },
        ],
        customer: "cus_bob",
        currency: "USD",
      },
      { items: [{ product_id: tea.id, quantity: 4 }], customer: "cus_bob", currency: "JPY" },
      { items: [{ product_id: tea.id, quantity: 1 }], currency: "JPY" }, // a guest
    ];
    const price = new Map([mug, shirt, tea].map((p) => [p.id, p.price]));
    const paid: Payment[] = [];
    for (const o of placed) paid.push((await orderAndPay(store, o.items, o.customer)).payment);
    const usdPayment = paid[2] as Payment;
    expect((await operate(store, usdPayment.id, "refund", { amount: 700 })).status).toBe(200);

    // the figures, from what was ordered
    const totalOfOrder = (o: (typeof placed)[number]) =>
      o.items.reduce((sum, i) => sum + (price.get(i.product_id) ?? 0) * i.quantity, 0);
    const expected = (currency: string) => {
      const mine = placed.filter((o) => o.currency === currency);
      const gross = mine.reduce((sum, o) => sum + totalOfOrder(o), 0);
      return { gross, orders: mine.length, aov: Math.round(gross / mine.length) };
    };
    const usd = expected("USD");
    const jpy = expected("JPY");
    expect(usd).toEqual({ gross: 3600 + 2500 + 6200, orders: 3, aov: 4100 });
    expect(jpy).toEqual({ gross: 7500, orders: 2, aov: 3750 });

    const from = new Date(Date.now() - 2 * HOUR).toISOString();
    const to = new Date(Date.now() + HOUR).toISOString();
    const m = await eventually(async () => {
      const res = await metrics(store, `from=${from}&to=${to}&bucket=hour`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const settled =
        totalOf(res.body, "orders", { currency: "JPY" }) === 2 &&
        totalOf(res.body, "orders", { currency: "USD" }) === 3 &&
        totalOf(res.body, "refunds", { currency: "USD" }) === 700 &&
        totalOf(res.body, "revenue_gross", { currency: "JPY" }) === jpy.gross &&
        totalOf(res.body, "revenue_gross", { currency: "USD" }) === usd.gross;
      return settled ? res.body : undefined;
    });

    expect(m.time_zone).toBe("UTC");
    expect(totalOf(m, "revenue_net", { currency: "USD" })).toBe(usd.gross - 700);
    expect(totalOf(m, "revenue_net", { currency: "JPY" })).toBe(jpy.gross);
    expect(totalOf(m, "refund_count", { currency: "USD" })).toBe(1);
    expect(totalOf(m, "refunds", { currency: "JPY" })).toBe(0);
    expect(totalOf(m, "average_order_value", { currency: "USD" })).toBe(usd.aov);
    expect(totalOf(m, "average_order_value", { currency: "JPY" })).toBe(jpy.aov);
    // never summed across currencies: every money series names exactly one
    for (const s of m.series.filter((s) => /revenue|refunds|average_order_value|orders/.test(s.metric))) {
      expect(s.group?.currency, s.metric).toMatch(/^(USD|JPY)$/);
    }
    // ann and bob both ordered twice: both returning
    expect(totalOf(m, "returning_customer_rate")).toBe(1);
    // units: mug 3+1, shirt 1+2, tea 4+1; revenue ranked within each currency
    const byUnits = m.series.filter((s) => s.metric === "top_products_by_units");
    expect(byUnits.map((s) => [s.group?.title, s.total])).toEqual([
      ["Tea", 5],
      ["Mug", 4],
      ["Shirt", 3],
    ]);
    const byRevenue = m.series.filter((s) => s.metric === "top_products_by_revenue");
    expect(byRevenue.map((s) => [s.group?.currency, s.group?.title, s.total])).toEqual([
      ["JPY", "Tea", 7500],
      ["USD", "Shirt", 7500],
      ["USD", "Mug", 4800],
    ]);
    // the buckets add up to the total, and the previous period (before any order) is empty
    const gross = m.series.find((s) => s.metric === "revenue_gross" && s.group?.currency === "USD");
    expect(gross?.points.reduce((sum, p) => sum + p.value, 0)).toBe(usd.gross);
    expect(gross?.previous?.total).toBe(0);
    // no storefront events: no funnel
    expect(m.series.some((s) => s.metric === "conversion_rate")).toBe(false);

    const dashboard = await store.api<{ widgets: { id: string; data: Record<string, unknown>[] }[] }>(
      "GET",
      `/api/plugins/${SLUG}/dashboard`,
    );
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.widgets.map((w) => w.id)).toEqual([
      "sales-kpis",
      "revenue-over-time",
      "orders-over-time",
      "top-products",
    ]);
    expect(dashboard.body.widgets[0]?.data).toContainEqual({
      metric: "revenue_net",
      currency: "USD",
      value: usd.gross - 700,
      previous: 0,
      trend: null,
    });
  });

  it("computes conversion when the storefront reports product views and checkouts", async () => {
    const store = await givenDashboardStore();
    await givenActive(store, "probe");
    const track = async (event: string, session: string) => {
      const res = await store.api("POST", "/api/plugins/probe/events", {
        event,
        data: { session_id: session },
        track: true,
      });
      expect(res.status).toBe(200);
    };
    for (const s of ["s1", "s2", "s3", "s4"]) await track("product_viewed", s);
    await track("product_viewed", "s1"); // the same visitor again
    await track("checkout_started", "s1");
    await track("checkout_started", "s2");
    const mug = await givenProduct(store, { title: "Mug", price: 1200, currency: "USD" });
    const { orderId } = await orderAndPay(store, [{ product_id: mug.id, quantity: 1 }]);
    expect((await store.shop("POST", `/api/commerce/orders/${orderId}/complete`)).status).toBe(200);

    const from = new Date(Date.now() - HOUR).toISOString();
    const to = new Date(Date.now() + HOUR).toISOString();
    const m = await eventually(async () => {
      const res = await metrics(
        store,
        `from=${from}&to=${to}&metrics=product_viewers,checkout_visitors,conversion_rate`,
      );
      return totalOf(res.body, "checkout_visitors") === 2 && totalOf(res.body, "conversion_rate")
        ? res.body
        : undefined;
    });
    expect(totalOf(m, "product_viewers")).toBe(4);
    expect(totalOf(m, "conversion_rate")).toBe(0.25); // one completed order for four viewing visitors
  });
});

describe("products it never saw created", { timeout: 60_000 }, () => {
  it("names a product created before the plugin was installed by the title its order line kept", async () => {
    const store = await givenPaymentsStore({ capture: "automatic" });
    const cup = await givenProduct(store, { title: "Espresso cup", price: 900, currency: "EUR" });
    await givenActive(store, SLUG);
    await orderAndPay(store, [{ product_id: cup.id, quantity: 3 }]);
    const from = new Date(Date.now() - HOUR).toISOString();
    const m = await eventually(async () => {
      const res = await metrics(store, `from=${from}&metrics=top_products_by_units`);
      return res.body.series.length > 0 ? res.body : undefined;
    });
    expect(m.series.map((s) => [s.group?.title, s.total])).toEqual([["Espresso cup", 3]]);
  });
});

describe("idempotency", { timeout: 30_000 }, () => {
  it("counts nothing twice when the platform delivers a batch again", async () => {
    const store = await givenDashboardStore();
    const at = "2026-02-10T12:00:00.000Z";
    const batch: EventData[] = [
      {
        id: "evt_order_1",
        event: "order_created",
        timestamp: at,
        properties: {
          order_id: "ord_1",
          total: 900,
          currency: "EUR",
          lines: [{ product_id: "p1", quantity: 3, unit_price: 300 }],
        },
      },
      {
        id: "evt_cap_1",
        event: "payment_captured",
        timestamp: at,
        properties: { payment_id: "pay_1", amount: 900, currency: "EUR" },
      },
      {
        id: "evt_ref_1",
        event: "payment_refunded",
        timestamp: at,
        properties: { payment_id: "pay_1", amount: 200, currency: "EUR" },
      },
    ];
    const deps = givenSandboxDeps();
    const [target] = (await activeTargetsOf(deps.env, store.tenant.id, { fresh: true })).filter((t) => t.slug === SLUG);
    if (!target) throw new Error("analytics-dashboard is not active");
    for (let delivery = 0; delivery < 2; delivery++) {
      const outcomes = await callPluginMethodBatch(
        deps,
        target,
        "trackEvent",
        batch.map((e) => [e]),
      );
      expect(
        outcomes.every((o) => o.ok),
        JSON.stringify(outcomes),
      ).toBe(true);
    }
    const res = await metrics(store, "from=2026-02-10&to=2026-02-11");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(totalOf(res.body, "orders", { currency: "EUR" })).toBe(1);
    expect(totalOf(res.body, "revenue_gross", { currency: "EUR" })).toBe(900);
    expect(totalOf(res.body, "revenue_net", { currency: "EUR" })).toBe(700);
    expect(totalOf(res.body, "top_products_by_units")).toBe(3);
  });
});

describe("buckets in the store's time zone", { timeout: 30_000 }, () => {
  it("puts an event just before and just after Tokyo's midnight in their own Tokyo days", async () => {
    const store = await givenDashboardStore({ time_zone: "Asia/Tokyo" });
    const run = hookRun(store.tenant.id);
    const captured = (amount: number, timestamp: string) => {
      const data: Parameters<typeof analyticsEvent>[1] & { timestamp: string } = {
        event: "payment_captured",
        properties: { payment_id: `pay_${amount}`, amount, currency: "JPY" },
        timestamp,
      };
      return analyticsEvent(run, data);
    };
    // 23:30 on 1 March and 00:30 on 2 March in Tokyo (UTC+9); both are 1 March in UTC
    await commitWithEvents(run, [], [captured(1000, "2026-03-01T14:30:00Z"), captured(3000, "2026-03-01T15:30:00Z")]);
    const m = await eventually(async () => {
      const res = await metrics(store, "from=2026-03-01&to=2026-03-03&bucket=day&metrics=revenue_gross");
      return totalOf(res.body, "revenue_gross", { currency: "JPY" }) === 4000 ? res.body : undefined;
    });
    expect(m.time_zone).toBe("Asia/Tokyo");
    expect(m.series[0]?.points).toEqual([
      { timestamp: "2026-03-01T00:00:00+09:00", value: 1000 },
      { timestamp: "2026-03-02T00:00:00+09:00", value: 3000 },
    ]);
  });
});

describe("refusals", { timeout: 30_000 }, () => {
  it.each([
    ["a time zone that is not one", { time_zone: "Mars/Olympus" }],
    ["an offset instead of a zone", { time_zone: "+09:00" }],
  ])("settings refuse %s, naming the field", async (_name, bad) => {
    const store = await givenDashboardStore();
    const res = await store.api<Refusal>("PUT", `/api/admin/plugins/${SLUG}/config`, bad);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INVALID_CONFIGURATION");
    expect(res.body.error.message).toContain("config.time_zone");
  });

  it.each([
    ["a bucket it has not", "bucket=fortnight", "bucket"],
    ["a from that is no time", "from=yesterday", "from"],
    ["a to before from", "from=2026-03-02&to=2026-03-01", "to"],
    ["an unknown metric", "metrics=orders,profit", "metrics.1"],
    ["too many buckets", "from=2020-01-01&to=2026-01-01&bucket=hour", "bucket"],
  ])("GET /metrics refuses %s with 400 naming the field", async (_name, query, field) => {
    const store = await givenDashboardStore();
    const res = await store.api<Refusal>("GET", `/api/plugins/${SLUG}/metrics?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatchObject({ code: "INVALID_QUERY", field });
    expect(res.body.error.message).toMatch(new RegExp(`^${field.replace(".", "\\.")}: `));
  });
});
