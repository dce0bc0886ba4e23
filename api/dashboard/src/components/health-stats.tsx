/**
 * A plugin's call statistics (the last 24 hours, as the admin API's health gives them) as numbers and
 * charts, and over time from its history (GET /api/admin/plugins/:slug/health/history, hour by hour).
 * Bars and lines are drawn without animation: the figures are read, not watched, and a screenshot shows them whole.
 */
import { Bar, BarChart, CartesianGrid, Line, LineChart, XAxis, YAxis } from "recharts";
import type { CallHistory, CallStats } from "@/lib/types";
import {
  type ChartConfig,
  ChartContainer,
  ChartLegend,
  ChartLegendContent,
  ChartTooltip,
  ChartTooltipContent,
} from "./ui/chart";

export function StatGrid({ stats }: { stats: CallStats }) {
  const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);
  const items: [string, string][] = [
    ["Calls", String(stats.calls)],
    ["Errors", String(stats.errors)],
    ["Timeouts", String(stats.timeouts)],
    ["Limits exceeded", String(stats.limits_exceeded)],
    ["p50 latency", ms(stats.p50_ms)],
    ["p95 latency", ms(stats.p95_ms)],
    ["Denied egress", String(stats.denied_egress)],
    ["Connections", String(stats.connections)],
    // quotas (api/src/sandbox/quotas.ts): calls that went over one, and the log lines dropped past them
    ["Quota hits", String(stats.quota_hits)],
    ["Log lines dropped", String(stats.log_lines_dropped)],
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {items.map(([label, value]) => (
        <div key={label} className="bg-background rounded-lg border p-3">
          <dt className="text-muted-foreground text-xs">{label}</dt>
          <dd className="text-xl font-semibold tabular-nums" data-stat={label}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

const outcomeConfig = {
  ok: { label: "Succeeded", color: "var(--chart-2)" },
  errors: { label: "Errors", color: "var(--destructive)" },
  timeouts: { label: "Timeouts", color: "var(--chart-4)" },
} satisfies ChartConfig;

/** Calls by outcome, one bar per plugin (one plugin on its own page, all of them on the health page). */
export function OutcomeChart({ rows }: { rows: { slug: string; stats: CallStats }[] }) {
  const data = rows.map(({ slug, stats }) => ({
    slug,
    ok: Math.max(0, stats.calls - stats.errors - stats.timeouts),
    errors: stats.errors,
    timeouts: stats.timeouts,
  }));
  return (
    <ChartContainer config={outcomeConfig} className="aspect-auto h-64 w-full min-w-0" aria-label="Calls by outcome">
      <BarChart data={data} accessibilityLayer>
        <CartesianGrid vertical={false} />
        <XAxis dataKey="slug" tickLine={false} axisLine={false} />
        <YAxis allowDecimals={false} width={32} tickLine={false} axisLine={false} />
        <ChartTooltip content={<ChartTooltipContent />} />
        <ChartLegend content={<ChartLegendContent />} />
        <Bar isAnimationActive={false} dataKey="ok" stackId="calls" fill="var(--color-ok)" />
        <Bar isAnimationActive={false} dataKey="errors" stackId="calls" fill="var(--color-errors)" />
        <Bar
          isAnimationActive={false}
          dataKey="timeouts"
          stackId="calls"
          fill="var(--color-timeouts)"
          radius={[4, 4, 0, 0]}
        />
      </BarChart>
    </ChartContainer>
  );
}

const latencyConfig = {
  p50_ms: { label: "p50", color: "var(--chart-3)" },
  p95_ms: { label: "p95", color: "var(--chart-1)" },
} satisfies ChartConfig;

export function LatencyChart({ rows }: { rows: { slug: string; stats: CallStats }[] }) {
  const data = rows.map(({ slug, stats }) => ({ slug, p50_ms: stats.p50_ms ?? 0, p95_ms: stats.p95_ms ?? 0 }));
  return (
    <ChartContainer config={latencyConfig} className="aspect-auto h-64 w-full min-w-0" aria-label="Latency p50 and p95">
      <BarChart data={data} accessibilityLayer>
        <CartesianGrid vertical={false} />
        <XAxis dataKey="slug" tickLine={false} axisLine={false} />
        <YAxis width={56} tickLine={false} axisLine={false} unit=" ms" />
        <ChartTooltip content={<ChartTooltipContent unit=" ms" />} />
        <ChartLegend content={<ChartLegendContent />} />
        <Bar isAnimationActive={false} dataKey="p50_ms" fill="var(--color-p50_ms)" radius={4} />
        <Bar isAnimationActive={false} dataKey="p95_ms" fill="var(--color-p95_ms)" radius={4} />
      </BarChart>
    </ChartContainer>
  );
}

const hourOf = (at: string) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

const historyConfig = {
  ok: { label: "Succeeded", color: "var(--chart-2)" },
  errors: { label: "Errors", color: "var(--destructive)" },
  timeouts: { label: "Timeouts", color: "var(--chart-4)" },
  denied_egress: { label: "Denied egress", color: "var(--chart-5)" },
} satisfies ChartConfig;

/** Calls per bucket by outcome, with denied egress beside them. */
export function CallsOverTimeChart({ history }: { history: CallHistory }) {
  const data = history.points.map((p) => ({
    at: hourOf(p.at),
    ok: Math.max(0, p.calls - p.errors - p.timeouts),
    errors: p.errors,
    timeouts: p.timeouts,
    denied_egress: p.denied_egress,
  }));
  return (
    <ChartContainer config={historyConfig} className="aspect-auto h-64 w-full min-w-0" aria-label="Calls over time">
      <BarChart data={data} accessibilityLayer>
        <CartesianGrid vertical={false} />
        <XAxis dataKey="at" tickLine={false} axisLine={false} minTickGap={24} />
        <YAxis allowDecimals={false} width={32} tickLine={false} axisLine={false} />
        <ChartTooltip content={<ChartTooltipContent />} />
        <ChartLegend content={<ChartLegendContent />} />
        <Bar isAnimationActive={false} dataKey="ok" stackId="calls" fill="var(--color-ok)" />
        <Bar isAnimationActive={false} dataKey="errors" stackId="calls" fill="var(--color-errors)" />
        <Bar isAnimationActive={false} dataKey="timeouts" stackId="calls" fill="var(--color-timeouts)" />
        <Bar isAnimationActive={false} dataKey="denied_egress" fill="var(--color-denied_egress)" />
      </BarChart>
    </ChartContainer>
  );
}

/** p50 and p95 latency per bucket; a bucket without calls has no point, so the line breaks there. */
export function LatencyOverTimeChart({ history }: { history: CallHistory }) {
  const data = history.points.map((p) => ({ at: hourOf(p.at), p50_ms: p.p50_ms, p95_ms: p.p95_ms }));
  return (
    <ChartContainer
      config={latencyConfig}
      className="aspect-auto h-64 w-full min-w-0"
      aria-label="Latency p50 and p95 over time"
    >
      <LineChart data={data} accessibilityLayer>
        <CartesianGrid vertical={false} />
        <XAxis dataKey="at" tickLine={false} axisLine={false} minTickGap={24} />
        <YAxis width={56} tickLine={false} axisLine={false} unit=" ms" />
        <ChartTooltip content={<ChartTooltipContent unit=" ms" />} />
        <ChartLegend content={<ChartLegendContent />} />
        <Line isAnimationActive={false} dataKey="p50_ms" stroke="var(--color-p50_ms)" dot strokeWidth={2} />
        <Line isAnimationActive={false} dataKey="p95_ms" stroke="var(--color-p95_ms)" dot strokeWidth={2} />
      </LineChart>
    </ChartContainer>
  );
}
