/**
 * Where a plugin's dashboard widgets go. The manifest declares them (`admin_ui.widgets`: id, title, the
 * dashboard each belongs on); the next slice renders each one here from the declarative tree the plugin's
 * isolate returns, validated against the widget schema, inside its own error boundary. Until then this
 * lists what the plugin declares, so an operator sees what it will add before installing it.
 */
import type { PluginManifest } from "@digital-commerce/plugin-sdk";
import { LayoutDashboardIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

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
              <Badge variant="outline">dashboard: {w.dashboard}</Badge>
            </li>
          ))}
          {manifest.admin_ui?.settings_component && <li>A settings section added to the settings form</li>}
        </ul>
      </CardContent>
    </Card>
  );
}
