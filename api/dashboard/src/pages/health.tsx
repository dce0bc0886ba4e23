/** Health of every installed plugin: status and call statistics side by side, charted per plugin. */
import { LatencyChart, OutcomeChart } from "@/components/health-stats";
import { Link } from "@/components/link";
import { EmptyState, WhenLoaded } from "@/components/page-state";
import { HealthBadge, StateBadge } from "@/components/state-badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { adminApi } from "@/lib/api";
import type { InstalledList, PluginHealth } from "@/lib/types";
import { useApi } from "@/lib/use-api";

async function loadHealth(): Promise<PluginHealth[]> {
  const { plugins } = await adminApi<InstalledList>("/plugins/installed");
  return await Promise.all(plugins.map((p) => adminApi<PluginHealth>(`/plugins/${encodeURIComponent(p.slug)}/health`)));
}

export function HealthPage() {
  const loaded = useApi(loadHealth, []);
  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div className="flex flex-col gap-1">
          <h1 className="text-2xl font-semibold">Health</h1>
          <p className="text-muted-foreground text-sm">
            Every installed plugin, its checks and its calls in the last 24 hours.
          </p>
        </div>
        <Button variant="outline" size="sm" onClick={loaded.reload}>
          Refresh
        </Button>
      </div>
      <WhenLoaded loaded={loaded} label="Loading health">
        {(rows) =>
          rows.length === 0 ? (
            <EmptyState title="No plugin installed">Install one from the catalogue to see its health here.</EmptyState>
          ) : (
            <>
              <Card>
                <CardContent>
                  <Table>
                    <TableHeader>
                      <TableRow>
                        <TableHead>Plugin</TableHead>
                        <TableHead>State</TableHead>
                        <TableHead>Status</TableHead>
                        <TableHead className="text-right">Calls</TableHead>
                        <TableHead className="text-right">Errors</TableHead>
                        <TableHead className="text-right">Timeouts</TableHead>
                        <TableHead className="text-right">p50</TableHead>
                        <TableHead className="text-right">p95</TableHead>
                        <TableHead className="text-right">Denied egress</TableHead>
                        <TableHead className="text-right">Connections</TableHead>
                        <TableHead>Failing checks</TableHead>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {rows.map((h) => (
                        <TableRow key={h.slug} data-plugin={h.slug}>
                          <TableCell>
                            <Link
                              href={`/plugins/${h.slug}/health`}
                              className="font-mono whitespace-nowrap hover:underline"
                            >
                              {h.slug}
                            </Link>
                          </TableCell>
                          <TableCell>
                            <StateBadge state={h.state} />
                          </TableCell>
                          <TableCell>
                            <HealthBadge status={h.status} />
                          </TableCell>
                          <TableCell className="text-right tabular-nums">{h.calls.calls}</TableCell>
                          <TableCell className="text-right tabular-nums">{h.calls.errors}</TableCell>
                          <TableCell className="text-right tabular-nums">{h.calls.timeouts}</TableCell>
                          <TableCell className="text-right tabular-nums">{h.calls.p50_ms ?? "—"}</TableCell>
                          <TableCell className="text-right tabular-nums">{h.calls.p95_ms ?? "—"}</TableCell>
                          <TableCell className="text-right tabular-nums">{h.calls.denied_egress}</TableCell>
                          <TableCell className="text-right tabular-nums">{h.calls.connections}</TableCell>
                          <TableCell className="text-xs">
                            {h.checks
                              .filter((c) => !c.ok)
                              .map((c) => c.name)
                              .join(", ") || "none"}
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </CardContent>
              </Card>
              {/* min-w-0: a grid item may shrink below its chart's last width, so the chart follows a narrower window */}
              <div className="grid gap-4 md:grid-cols-2">
                <Card className="min-w-0">
                  <CardHeader>
                    <CardTitle>Calls by outcome</CardTitle>
                    <CardDescription>Last 24 hours</CardDescription>
                  </CardHeader>
                  <CardContent>
                    <OutcomeChart rows={rows.map((h) => ({ slug: h.slug, stats: h.calls }))} />
                  </CardContent>
                </Card>
                <Card className="min-w-0">
                  <CardHeader>
                    <CardTitle>Latency</CardTitle>
                    <CardDescription>p50 and p95 over the latest 1,000 calls</CardDescription>
                  </CardHeader>
                  <CardContent>
                    <LatencyChart rows={rows.map((h) => ({ slug: h.slug, stats: h.calls }))} />
                  </CardContent>
                </Card>
              </div>
            </>
          )
        }
      </WhenLoaded>
    </div>
  );
}
