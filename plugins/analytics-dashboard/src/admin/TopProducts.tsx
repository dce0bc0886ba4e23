/** The `top-products` widget: the best sellers of the last 30 days by units, and by revenue in each currency. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { Grid, Stack, Table, Text } from "@digital-commerce/plugin-sdk/ui";
import { currenciesOf, salesRows } from "./sales.ts";

export default async function TopProducts(context: PluginContext) {
  const rows = await salesRows(context, "top-products");
  if (rows.length === 0) return <Text tone="muted">No products sold in the last 30 days.</Text>;
  const byUnits = rows.filter((r) => r.ranking === "units");
  const byRevenue = rows.filter((r) => r.ranking === "revenue");
  // ranked again within each table: getDashboard ranks revenue across currencies
  const product = (r: (typeof rows)[number], i: number) => ({
    rank: i + 1,
    title: String(r.title || r.product_id || ""),
    value: Number(r.value ?? 0),
  });
  return (
    <Grid columns={2}>
      <Stack key="units">
        <Text size="sm" tone="muted">
          By units
        </Text>
        <Table
          columns={[
            { key: "rank", label: "#", align: "right" },
            { key: "title", label: "Product" },
            { key: "value", label: "Units", align: "right", format: { style: "number" } },
          ]}
          rows={byUnits.map(product)}
          empty="No units sold."
        />
      </Stack>
      {currenciesOf(byRevenue).map((currency) => (
        <Stack key={`revenue-${currency}`}>
          <Text size="sm" tone="muted">
            By revenue ({currency})
          </Text>
          <Table
            columns={[
              { key: "rank", label: "#", align: "right" },
              { key: "title", label: "Product" },
              { key: "value", label: "Revenue", align: "right", format: { style: "money", currency } },
            ]}
            rows={byRevenue.filter((r) => r.currency === currency).map(product)}
          />
        </Stack>
      ))}
    </Grid>
  );
}
