/** One plugin's health: status, checks (dependencies, configuration, its own connection check), last error, calls. */
import { CheckCircle2Icon, XCircleIcon } from "lucide-react";
import {
  CallsOverTimeChart,
  LatencyChart,
  LatencyOverTimeChart,
  OutcomeChart,
  StatGrid,
} from "@/components/health-stats";
import { WhenLoaded } from "@/components/page-state";
import { HealthBadge } from "@/components/state-badge";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { adminApi } from "@/lib/api";
import type { CallHistory, PluginHealth } from "@/lib/types";
import { useApi } from "@/lib/use-api";

export function PluginHealthTab({ slug }: { slug: string }) {
  const loaded = useApi(() => adminApi<PluginHealth>(`/plugins/${encodeURIComponent(slug)}/health`), [slug]);
  const history = useApi(
    () => adminApi<CallHistory>(`/plugins/${encodeURIComponent(slug)}/health/history?bucket=hour&buckets=24`),
    [slug],
  );
  return (
    <WhenLoaded loaded={loaded} label="Loading health">
      {(health) => (
        <div className="flex flex-col gap-4">
          <div className="flex flex-wrap items-center gap-3">
            <span className="text-sm">Status</span>
            <span data-testid="health-status">
              <HealthBadge status={health.status} />
            </span>
            <Button
              variant="outline"
              size="sm"
              className="ml-auto"
              onClick={() => {
                loaded.reload();
                history.reload();
              }}
            >
              Refresh
            </Button>
          </div>
          {health.last_error && (
            <Alert variant="destructive">
              <AlertTitle>
                Last error {health.last_error.code} at {new Date(health.last_error.at).toLocaleString()}
              </AlertTitle>
              <AlertDescription>{health.last_error.message}</AlertDescription>
            </Alert>
          )}
          <Card>
            <CardHeader>
              <CardTitle>Checks</CardTitle>
            </CardHeader>
            <CardContent>
              {health.checks.length === 0 ? (
                <p className="text-muted-foreground text-sm">No checks: the plugin is not installed.</p>
              ) : (
                <ul className="flex flex-col gap-2 text-sm">
                  {health.checks.map((c) => (
                    <li key={c.name} className="flex items-start gap-2">
                      {c.ok ? (
                        <CheckCircle2Icon className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-label="passed" />
                      ) : (
                        <XCircleIcon className="text-destructive mt-0.5 size-4 shrink-0" aria-label="failed" />
                      )}
                      <span>
                        <span className="font-mono">{c.name}</span>{" "}
                        <span className="text-muted-foreground">{c.detail}</span>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Calls</CardTitle>
              <CardDescription>This store's calls into the plugin, last {health.calls.window}.</CardDescription>
            </CardHeader>
            <CardContent className="flex min-w-0 flex-col gap-4">
              <StatGrid stats={health.calls} />
              {health.calls.calls > 0 && (
                <div className="grid min-w-0 gap-4 md:grid-cols-2">
                  <OutcomeChart rows={[{ slug, stats: health.calls }]} />
                  <LatencyChart rows={[{ slug, stats: health.calls }]} />
                </div>
              )}
              <WhenLoaded loaded={history} label="Loading the calls over time">
                {(h) =>
                  h.points.some((p) => p.calls > 0 || p.denied_egress > 0) ? (
                    <div className="grid min-w-0 gap-4 md:grid-cols-2" data-testid="health-history">
                      <section className="min-w-0">
                        <h3 className="text-muted-foreground mb-2 text-sm font-medium">Calls, hour by hour (24 h)</h3>
                        <CallsOverTimeChart history={h} />
                      </section>
                      <section className="min-w-0">
                        <h3 className="text-muted-foreground mb-2 text-sm font-medium">Latency, hour by hour (24 h)</h3>
                        <LatencyOverTimeChart history={h} />
                      </section>
                    </div>
                  ) : (
                    <p className="text-muted-foreground text-sm">No calls in the last 24 hours.</p>
                  )
                }
              </WhenLoaded>
              {health.calls.last_error && (
                <p className="text-sm">
                  <span className="text-muted-foreground">Last failed call:</span> {health.calls.last_error.code}{" "}
                  {health.calls.last_error.message}
                </p>
              )}
            </CardContent>
          </Card>
        </div>
      )}
    </WhenLoaded>
  );
}
