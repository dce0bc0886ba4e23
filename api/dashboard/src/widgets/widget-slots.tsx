/**
 * The admin UI a plugin declares (`admin_ui.widgets`: id, title, the dashboard each belongs on; a
 * settings component), on its overview: an operator sees what it adds before installing it, and each
 * widget links to the dashboard that draws it (pages/dashboard.tsx) once the plugin is active.
 */
import type { PluginManifest } from "@digital-commerce/plugin-sdk";
import { LayoutDashboardIcon } from "lucide-react";
import { Link } from "@/components/link";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { dashboardTitle } from "@/lib/dashboards";

export function WidgetSlots({ manifest }: { manifest: PluginManifest }) {
  const widgets = manifest.admin_ui?.widgets ?? [];
  if (widgets.length === 0 && !manifest.admin_ui?.settings_component) return null;
  return (
    <Card data-testid="widget-slots">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <LayoutDashboardIcon className="size-4" aria-hidden /> Admin UI it declares
        </CardTitle>
        <CardDescription>
          Rendered by the dashboard from data the plugin returns; no plugin code runs in this page.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="flex flex-col gap-2 text-sm">
          {widgets.map((w) => (
            <li key={w.id} data-widget-id={w.id} className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{w.title ?? w.id}</span>
              <Link
                href={`/dashboards/${encodeURIComponent(w.dashboard)}`}
                className="rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
              >
                <Badge variant="outline" className="hover:bg-muted">
                  on the {dashboardTitle(w.dashboard)} dashboard
                </Badge>
              </Link>
            </li>
          ))}
          {manifest.admin_ui?.settings_component && <li>A settings section added to the settings form</li>}
        </ul>
      </CardContent>
    </Card>
  );
}
