/** The `top-products` widget, declared as data: the ten best sellers by units and by revenue (per currency). */
export const topProducts = {
  id: "top-products",
  title: "Top products",
  source: {
    endpoint: "GET /metrics",
    query: { bucket: "month", metrics: "top_products_by_units,top_products_by_revenue" },
  },
  table: { columns: ["group.title", "group.currency", "total", "previous.total"], rows: "series", split: "metric" },
} as const;

export default topProducts;
