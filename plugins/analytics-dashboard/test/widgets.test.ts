/**
 * analytics-dashboard's admin widgets on the platform: real orders, payments and a refund through the
 * commerce API, then GET /api/admin/dashboards/analytics drawing the four TSX widgets in the plugin's
 * isolate, each a valid tree (the platform parses it) carrying the figures this test computes.
 */
import { parseUiTree, type UiNode } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
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

const SLUG = "analytics-dashboard";

type Widget = { plugin: string; id: string; title: string; tree?: UiNode; error?: { code: string; message: string } };
type Element = Exclude<UiNode, string | number>;

/** Every node of `type` in a tree, depth first. */
function nodesOf(node: UiNode, type: string): Element[] {
  if (typeof node !== "object") return [];
  return [...(node.type === type ? [node] : []), ...node.children.flatMap((c) => nodesOf(c, type))];
}

async function orderAndPay(store: Store, items: { product_id: string; quantity: number }[]): Promise<Payment> {
  const order = await store.shop<{ id: string }>("POST", "/api/commerce/orders", { items });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  const paid = await pay(store, { order_id: order.body.id });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  return paid.body;
}

describe("the analytics dashboard's widgets", { timeout: 60_000 }, () => {
  it("draws KPI cards, revenue and orders over time and top products from real orders", async () => {
    const store = await givenPaymentsStore({ capture: "automatic" });
    await givenActive(store, SLUG);
    const mug = await givenProduct(store, { title: "Mug", price: 1200, currency: "USD" });
    const shirt = await givenProduct(store, { title: "Shirt", price: 2500, currency: "USD" });
    const tea = await givenProduct(store, { title: "Tea", price: 1500, currency: "JPY" });
    await orderAndPay(store, [{ product_id: mug.id, quantity: 3 }]); // 3600
    const refunded = await orderAndPay(store, [{ product_id: shirt.id, quantity: 2 }]); // 5000
    await orderAndPay(store, [{ product_id: tea.id, quantity: 1 }]); // ¥1500
    expect((await operate(store, refunded.id, "refund", { amount: 700 })).status).toBe(200);

    const stat = (w: Map<string, Widget>, label: string) =>
      nodesOf(w.get("sales-kpis")?.tree ?? "", "Stat").find((s) => s.props.label === label)?.props;
    // the analytics events arrive through the queue: wait until the widgets show all of them
    const widgets = await eventually(async () => {
      const res = await store.as("viewer")<{ dashboard: string; widgets: Widget[] }>(
        "GET",
        "/api/admin/dashboards/analytics",
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const byId = new Map(res.body.widgets.map((w) => [w.id, w]));
      const settled =
        stat(byId, "Orders (USD)")?.value === 2 &&
        stat(byId, "Orders (JPY)")?.value === 1 &&
        stat(byId, "Refunds (USD)")?.value === 700;
      return settled ? byId : undefined;
    });

    expect([...widgets.keys()]).toEqual(["sales-kpis", "revenue-over-time", "orders-over-time", "top-products"]);
    for (const w of widgets.values()) {
      expect(w.error, w.id).toBeUndefined();
      // what the dashboard receives is a tree the SDK's own parser accepts as it is
      expect(parseUiTree(w.tree, { slug: SLUG })).toEqual(w.tree);
    }

    expect(stat(widgets, "Gross revenue (USD)")).toMatchObject({
      value: 8600,
      format: { style: "money", currency: "USD" },
      trend: null,
    });
    expect(stat(widgets, "Net revenue (USD)")?.value).toBe(8600 - 700);
    expect(stat(widgets, "Gross revenue (JPY)")).toMatchObject({ value: 1500, format: { currency: "JPY" } });
    expect(stat(widgets, "Average order value (USD)")?.value).toBe(4300);
    expect(nodesOf(widgets.get("sales-kpis")?.tree ?? "", "Button")[0]?.props.action).toBe("refresh");

    const [jpy, usd] = nodesOf(widgets.get("revenue-over-time")?.tree ?? "", "LineChart");
    expect(usd?.props.format).toEqual({ style: "money", currency: "USD" });
    const usdPoints = usd?.props.data as { gross: number; net: number }[];
    expect(usdPoints.reduce((sum, p) => sum + p.gross, 0)).toBe(8600);
    expect(usdPoints.reduce((sum, p) => sum + p.net, 0)).toBe(8600 - 700);
    expect(jpy?.props.format).toEqual({ style: "money", currency: "JPY" });

    const [orders] = nodesOf(widgets.get("orders-over-time")?.tree ?? "", "BarChart");
    const days = orders?.props.data as Record<string, number>[];
    expect(days.reduce((sum, d) => sum + (d.USD ?? 0), 0)).toBe(2);
    expect(days.reduce((sum, d) => sum + (d.JPY ?? 0), 0)).toBe(1);

    const [byUnits, jpyRevenue, usdRevenue] = nodesOf(widgets.get("top-products")?.tree ?? "", "Table");
    expect(byUnits?.props.rows).toEqual([
      { rank: 1, title: "Mug", value: 3 },
      { rank: 2, title: "Shirt", value: 2 },
      { rank: 3, title: "Tea", value: 1 },
    ]);
    expect(jpyRevenue?.props.rows).toEqual([{ rank: 1, title: "Tea", value: 1500 }]);
    expect(usdRevenue?.props.rows).toEqual([
      { rank: 1, title: "Shirt", value: 5000 },
      { rank: 2, title: "Mug", value: 3600 },
    ]);
  });

  it("says there is nothing yet in a store without sales, and refreshes on its button", async () => {
    const store = await givenPaymentsStore({ capture: "automatic" });
    await givenActive(store, SLUG);
    const res = await store.api<{ tree: UiNode }>(
      "POST",
      `/api/admin/plugins/${SLUG}/widgets/sales-kpis/actions/refresh`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(nodesOf(res.body.tree, "Text")[0]?.children).toEqual(["No sales in the last 30 days."]);
  });
});
