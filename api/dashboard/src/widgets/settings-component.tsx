/**
 * A plugin's settings component (`admin_ui.settings_component`), under the generated settings form: the
 * tree its module renders (GET /api/admin/plugins/:slug/settings-component), drawn like a widget. It adds
 * to the form and never replaces it: the settings are still saved, and validated, by the form alone.
 */
import { ErrorAlert, LoadingRows } from "@/components/page-state";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ApiError, adminApi } from "@/lib/api";
import type { Role, TreeView } from "@/lib/types";
import { useApi } from "@/lib/use-api";
import { WidgetBody } from "./widget-body.tsx";

export function SettingsComponent({ slug, name, role }: { slug: string; name: string; role: Role }) {
  const loaded = useApi(() => adminApi<TreeView>(`/plugins/${encodeURIComponent(slug)}/settings-component`), [slug]);
  return (
    <Card data-testid="settings-component">
      <CardHeader>
        <CardTitle>More from {name}</CardTitle>
        <CardDescription>
          Drawn by the dashboard from what the plugin returns; no plugin code runs here.
        </CardDescription>
      </CardHeader>
      <CardContent className="min-w-0">
        {loaded.status === "loading" && <LoadingRows rows={1} label="Loading the plugin's settings section" />}
        {loaded.status === "error" &&
          // the plugin's own failure (its module threw or timed out) shows as a widget's does; a refusal as the API's
          (loaded.error instanceof ApiError && loaded.error.status >= 500 ? (
            <WidgetBody
              slug={slug}
              widgetId="settings"
              initial={{ error: { code: loaded.error.code, message: loaded.error.message } }}
              role={role}
            />
          ) : (
            <ErrorAlert error={loaded.error} onRetry={loaded.reload} />
          ))}
        {loaded.status === "ready" && (
          <WidgetBody slug={slug} widgetId="settings" initial={{ tree: loaded.data.tree }} role={role} />
        )}
      </CardContent>
    </Card>
  );
}
