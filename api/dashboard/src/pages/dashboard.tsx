/**
 * The plugin dashboards: `/dashboards` lists the dashboards the tenant's active plugins' widgets name,
 * `/dashboards/:name` draws each widget on it from the tree its plugin rendered, each in its own card
 * and error boundary, so one broken widget shows its error while the others show their figures.
 */
import { RotateCwIcon } from "lucide-react";
import { useMemo } from "react";
import { Link } from "@/components/link";
import { EmptyState, WhenLoaded } from "@/components/page-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ApiError, adminApi } from "@/lib/api";
import { dashboardTitle } from "@/lib/dashboards";
import type { DashboardsList, DashboardView, DashboardWidget, Role } from "@/lib/types";
import { useApi } from "@/lib/use-api";
import { WidgetBody } from "@/widgets/widget-body";

export function DashboardsPage() {
  const loaded = useApi(() => adminApi<DashboardsList>("/dashboards"), []);
  return (
    <div className="flex flex-col gap-5">
      <h1 className="text-2xl font-semibold">Dashboards</h1>
      <WhenLoaded loaded={loaded} label="Loading the dashboards">
        {({ dashboards }) =>
          dashboards.length === 0 ? (
            <EmptyState title="No dashboard yet">
              A dashboard appears when an active plugin adds a widget to it.{" "}
              <Link href="/plugins" className="text-primary underline">
                Find one in the plugins
              </Link>
              .
            </EmptyState>
          ) : (
            <ul className="grid gap-3 sm:grid-cols-2" aria-label="dashboards">
              {dashboards.map((d) => (
                <li key={d.dashboard}>
                  <Link
                    href={`/dashboards/${encodeURIComponent(d.dashboard)}`}
                    className="bg-background hover:border-primary block rounded-xl border p-4 outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
                  >
                    <span className="font-medium">{dashboardTitle(d.dashboard)}</span>
                    <span className="text-muted-foreground block text-sm">
                      {d.widgets.length} widget{d.widgets.length === 1 ? "" : "s"} from{" "}
                      {[...new Set(d.widgets.map((w) => w.plugin))].join(", ")}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </WhenLoaded>
    </div>
  );
}

export function DashboardPage({ name, role }: { name: string; role: Role }) {
  const loaded = useApi(() => adminApi<DashboardView>(`/dashboards/${encodeURIComponent(name)}`), [name]);
  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{dashboardTitle(name)}</h1>
        <Button variant="outline" size="sm" className="ml-auto" onClick={loaded.reload}>
          <RotateCwIcon /> Refresh
        </Button>
      </div>
      {/* the API answers 404 when no active plugin has a widget here: that is an empty dashboard, not a failure */}
      {loaded.status === "error" && loaded.error instanceof ApiError && loaded.error.status === 404 ? (
        <EmptyState title="No widget on this dashboard">
          Its widgets come from active plugins: activate one that adds a widget to {dashboardTitle(name)}.{" "}
          <Link href="/plugins" className="text-primary underline">
            Find one in the plugins
          </Link>
          .
        </EmptyState>
      ) : (
        <WhenLoaded loaded={loaded} label="Loading the widgets">
          {(view) =>
            view.widgets.length === 0 ? (
              <EmptyState title="No widget on this dashboard">
                Its widgets come from active plugins: activate one that adds a widget to {dashboardTitle(name)}.
              </EmptyState>
            ) : (
              <div className="grid items-start gap-4 lg:grid-cols-2" data-testid="widgets">
                {view.widgets.map((w) => (
                  <WidgetCard key={`${w.plugin}/${w.id}`} widget={w} role={role} />
                ))}
              </div>
            )
          }
        </WhenLoaded>
      )}
    </div>
  );
}

function WidgetCard({ widget, role }: { widget: DashboardWidget; role: Role }) {
  const initial = useMemo(() => ("error" in widget ? { error: widget.error } : { tree: widget.tree }), [widget]);
  return (
    <Card className="min-w-0" data-widget={`${widget.plugin}/${widget.id}`}>
      <CardHeader>
        <CardTitle>{widget.title ?? widget.id}</CardTitle>
        <CardDescription>
          <Link href={`/plugins/${encodeURIComponent(widget.plugin)}`} className="hover:underline">
            <Badge variant="outline" className="font-mono">
              {widget.plugin}
            </Badge>
          </Link>
        </CardDescription>
      </CardHeader>
      <CardContent className="min-w-0">
        <WidgetBody slug={widget.plugin} widgetId={widget.id} initial={initial} role={role} />
      </CardContent>
    </Card>
  );
}
