/**
 * The `sales-kpis` widget: one Stat per figure of the last 30 days with its change against the 30 days
 * before, money per currency. `refresh` draws it again from the plugin's database.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { Button, Grid, Stack, Stat, Text } from "@digital-commerce/plugin-sdk/ui";
import { formatOf, METRIC_LABELS, salesRows } from "./sales.ts";

export default async function KpiCards(context: PluginContext) {
  const kpis = await salesRows(context, "sales-kpis");
  // rates such as returning customers come even without orders: no orders is no sales
  const sold = kpis.some((k) => k.metric === "orders" && Number(k.value) > 0);
  return (
    <Stack gap={3}>
      {!sold ? (
        <Text tone="muted">No sales in the last 30 days.</Text>
      ) : (
        <Grid columns={4}>
          {kpis.map((k) => {
            const metric = String(k.metric);
            const currency = typeof k.currency === "string" ? k.currency : null;
            const label = `${METRIC_LABELS[metric] ?? metric}${currency ? ` (${currency})` : ""}`;
            return (
              <Stat
                key={`${metric}-${currency ?? ""}`}
                label={label}
                value={Number(k.value ?? 0)}
                format={formatOf(metric, currency)}
                trend={typeof k.trend === "number" ? k.trend : null}
                hint="vs the 30 days before"
              />
            );
          })}
        </Grid>
      )}
      <Button label="Refresh" action="refresh" variant="outline" />
    </Stack>
  );
}
