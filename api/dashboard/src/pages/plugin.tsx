/** One plugin: its manifest and state transitions, settings, dependencies and health, a tab each. */
import { lazy, Suspense } from "react";
import { Link } from "@/components/link";
import { LoadingRows, WhenLoaded } from "@/components/page-state";
import { StateBadge } from "@/components/state-badge";
import { Badge } from "@/components/ui/badge";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { adminApi } from "@/lib/api";
import { navigate, type PluginTab, pluginTabs } from "@/lib/router";
import type { PluginDetails, Role } from "@/lib/types";
import { useApi } from "@/lib/use-api";
import { PluginDependencies } from "./plugin-dependencies.tsx";
import { PluginOverview } from "./plugin-overview.tsx";

// the settings form validates with the API's zod schemas (zod, the SDK, ipaddr.js): loaded with its tab
const PluginSettings = lazy(() => import("./plugin-settings.tsx").then((m) => ({ default: m.PluginSettings })));
const PluginHealthTab = lazy(() => import("./plugin-health.tsx").then((m) => ({ default: m.PluginHealthTab })));

const tabLabels: Record<PluginTab, string> = {
  overview: "Overview",
  settings: "Settings",
  dependencies: "Dependencies",
  health: "Health",
};

export function PluginPage({ slug, tab, role }: { slug: string; tab: PluginTab; role: Role }) {
  const loaded = useApi(() => adminApi<PluginDetails>(`/plugins/${encodeURIComponent(slug)}`), [slug]);
  const base = `/plugins/${encodeURIComponent(slug)}`;
  return (
    <div className="flex flex-col gap-5">
      <Link href="/plugins" className="text-muted-foreground w-fit text-sm hover:underline">
        ← All plugins
      </Link>
      <WhenLoaded loaded={loaded} label="Loading the plugin">
        {(details) => (
          <>
            <div className="flex flex-wrap items-center gap-3">
              <h1 className="text-2xl font-semibold">{details.manifest.name}</h1>
              <StateBadge state={details.installation?.state ?? "available"} />
              <Badge variant="secondary">{details.manifest.category}</Badge>
              <span className="text-muted-foreground font-mono text-sm">
                {details.slug}@{details.installation?.version ?? details.latest_version}
              </span>
            </div>
            <Tabs value={tab} onValueChange={(v) => navigate(v === "overview" ? base : `${base}/${v}`)}>
              <TabsList>
                {pluginTabs.map((t) => (
                  <TabsTrigger key={t} value={t}>
                    {tabLabels[t]}
                  </TabsTrigger>
                ))}
              </TabsList>
              <TabsContent value="overview">
                <PluginOverview details={details} role={role} onChanged={loaded.reload} />
              </TabsContent>
              <TabsContent value="settings">
                <Suspense fallback={<LoadingRows label="Loading the settings" />}>
                  <PluginSettings details={details} role={role} />
                </Suspense>
              </TabsContent>
              <TabsContent value="dependencies">
                <PluginDependencies slug={slug} />
              </TabsContent>
              <TabsContent value="health">
                <Suspense fallback={<LoadingRows label="Loading health" />}>
                  <PluginHealthTab slug={slug} />
                </Suspense>
              </TabsContent>
            </Tabs>
          </>
        )}
      </WhenLoaded>
    </div>
  );
}
