/**
 * The spec's `stripe-revenue` widget: captured less refunded per day and currency, from the plugin's own
 * record of intents (the data of GET /revenue), drawn in its isolate to a UI tree. The operator picks the
 * period with the `period` form; the tree links to the same figures as JSON.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import {
  BarChart,
  Card,
  Form,
  Grid,
  Link,
  Select,
  Stack,
  Stat,
  Text,
  type UiInput,
} from "@digital-commerce/plugin-sdk/ui";
import { revenue } from "../ledger.ts";

const PERIODS = ["7", "30", "90"] as const;

/** The period the operator asked for, or the last 30 days. */
function daysOf(input: UiInput): number {
  const asked = input.action === "period" ? String(input.values?.days ?? "") : "";
  return PERIODS.includes(asked as (typeof PERIODS)[number]) ? Number(asked) : 30;
}

export default async function RevenueWidget(context: PluginContext, input: UiInput) {
  const days = daysOf(input);
  const rows = await revenue(context, days);
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  return (
    <Stack gap={3}>
      <Form action="period" submit="Show">
        <Select
          name="days"
          label="Period"
          value={String(days)}
          options={PERIODS.map((p) => ({ value: p, label: `Last ${p} days` }))}
        />
      </Form>
      {currencies.length === 0 ? (
        <Text tone="muted">No captured Stripe payments in the last {days} days.</Text>
      ) : (
        currencies.map((currency) => {
          // oldest day first, as a chart reads
          const daily = rows.filter((r) => r.currency === currency).reverse();
          const sum = (key: "captured" | "refunded" | "net" | "payments") => daily.reduce((t, r) => t + r[key], 0);
          return (
            <Card key={currency} title={`${currency}, last ${days} days`}>
              <Grid columns={3}>
                <Stat label="Net" value={sum("net")} format={{ style: "money", currency }} />
                <Stat label="Refunded" value={sum("refunded")} format={{ style: "money", currency }} />
                <Stat label="Payments" value={sum("payments")} />
              </Grid>
              <BarChart
                data={daily.map((r) => ({ day: r.day, net: r.net, refunded: r.refunded }))}
                x="day"
                series={[
                  { key: "net", label: "Net", color: "chart-1" },
                  { key: "refunded", label: "Refunded", color: "chart-4" },
                ]}
                format={{ style: "money", currency }}
              />
            </Card>
          );
        })
      )}
      <Link href={`/api/plugins/stripe-gateway/revenue?days=${days}`}>These figures as JSON</Link>
    </Stack>
  );
}
