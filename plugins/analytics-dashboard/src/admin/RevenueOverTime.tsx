/** The `revenue-over-time` widget: gross and net revenue by day over the last 30 days, one chart per currency. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { Heading, LineChart, Stack, Text } from "@digital-commerce/plugin-sdk/ui";
import { currenciesOf, dayOf, salesRows } from "./sales.ts";

export default async function RevenueOverTime(context: PluginContext) {
  const rows = await salesRows(context, "revenue-over-time");
  const currencies = currenciesOf(rows);
  if (currencies.length === 0) return <Text tone="muted">No revenue in the last 30 days.</Text>;
  return (
    <Stack gap={4}>
      {currencies.map((currency) => (
        <Stack key={currency}>
          <Heading level={4}>{currency}</Heading>
          <LineChart
            data={rows
              .filter((r) => r.currency === currency)
              .map((r) => ({ day: dayOf(r.bucket), gross: Number(r.gross ?? 0), net: Number(r.net ?? 0) }))}
            x="day"
            series={[
              { key: "gross", label: "Gross", color: "chart-1" },
              { key: "net", label: "Net of refunds", color: "chart-2" },
            ]}
            format={{ style: "money", currency }}
          />
        </Stack>
      ))}
    </Stack>
  );
}
