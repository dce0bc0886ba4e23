/** A plugin's dependency tree (versions, states, problems), its dependents, and the graph around it drawn. */
import { Link } from "@/components/link";
import { EmptyState, WhenLoaded } from "@/components/page-state";
import { StateBadge } from "@/components/state-badge";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { adminApi } from "@/lib/api";
import type { DependenciesView, DependencyGraph, DependencyNode } from "@/lib/types";
import { useApi } from "@/lib/use-api";
import { GraphView } from "./dependency-graph.tsx";

export function PluginDependencies({ slug }: { slug: string }) {
  const loaded = useApi(
    () =>
      Promise.all([
        adminApi<DependenciesView>(`/plugins/${encodeURIComponent(slug)}/dependencies`),
        adminApi<DependencyGraph>("/plugins/graph/dependencies"),
      ]),
    [slug],
  );
  return (
    <WhenLoaded loaded={loaded} label="Loading the dependencies">
      {([view, graph]) => (
        <div className="grid gap-4 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Depends on</CardTitle>
            </CardHeader>
            <CardContent className="flex flex-col gap-3">
              {view.problems.map((p) => (
                <Alert key={`${p.code}-${p.message}`} variant="destructive">
                  <AlertTitle>{p.code}</AlertTitle>
                  <AlertDescription>{p.message}</AlertDescription>
                </Alert>
              ))}
              {view.dependencies.length === 0 ? (
                <p className="text-muted-foreground text-sm">No dependencies.</p>
              ) : (
                <Tree nodes={view.dependencies} />
              )}
              <h3 className="mt-2 font-medium">Installed dependents</h3>
              {view.dependents.length === 0 ? (
                <p className="text-muted-foreground text-sm">None.</p>
              ) : (
                <ul className="flex flex-col gap-1 text-sm">
                  {view.dependents.map((d) => (
                    <li key={d.slug} className="flex items-center gap-2">
                      <Link href={`/plugins/${d.slug}`} className="font-mono hover:underline">
                        {d.slug}
                      </Link>
                      <StateBadge state={d.state} />
                    </li>
                  ))}
                </ul>
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Graph</CardTitle>
            </CardHeader>
            <CardContent>
              {graph.nodes.length === 0 ? (
                <EmptyState title="The catalogue is empty" />
              ) : (
                <GraphView graph={graph} focus={slug} />
              )}
            </CardContent>
          </Card>
        </div>
      )}
    </WhenLoaded>
  );
}

function Tree({ nodes }: { nodes: DependencyNode[] }) {
  return (
    <ul className="flex flex-col gap-1 border-l pl-3 text-sm">
      {nodes.map((n) => (
        <li key={n.slug}>
          <div className="flex flex-wrap items-center gap-2">
            <Link href={`/plugins/${n.slug}`} className="font-mono hover:underline">
              {n.slug}
            </Link>
            <span className="text-muted-foreground font-mono text-xs">
              {n.range} → {n.version ?? "none"}
            </span>
            {n.state === "missing" ? <Badge variant="destructive">missing</Badge> : <StateBadge state={n.state} />}
            {!n.satisfied && <Badge variant="destructive">unsatisfied</Badge>}
          </div>
          {n.dependencies.length > 0 && <Tree nodes={n.dependencies} />}
        </li>
      ))}
    </ul>
  );
}
