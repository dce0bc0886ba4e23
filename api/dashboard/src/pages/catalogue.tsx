/** The plugin catalogue: what is available and what this tenant installed, filtered by category and text. */
import { SearchIcon } from "lucide-react";
import { useMemo, useState } from "react";
import { Link } from "@/components/link";
import { EmptyState, WhenLoaded } from "@/components/page-state";
import { StateBadge } from "@/components/state-badge";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { adminApi } from "@/lib/api";
import { navigate } from "@/lib/router";
import type { AvailableList, AvailablePlugin } from "@/lib/types";
import { useApi } from "@/lib/use-api";

export function CataloguePage({ tab }: { tab: "available" | "installed" }) {
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState("all");
  // one list serves both tabs: `available` carries this tenant's state of every plugin
  const loaded = useApi(() => adminApi<AvailableList>("/plugins/available"), []);
  // the categories the catalogue has (the SDK's list would pull its schemas into the first page's bundle)
  const categories = loaded.status === "ready" ? [...new Set(loaded.data.plugins.map((p) => p.category))].sort() : [];

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold">Plugins</h1>
        <p className="text-muted-foreground text-sm">
          The catalogue every tenant sees, with this store's state of each plugin.
        </p>
      </div>
      <Tabs value={tab} onValueChange={(v) => navigate(v === "installed" ? "/plugins?tab=installed" : "/plugins")}>
        <TabsList>
          <TabsTrigger value="available">Available</TabsTrigger>
          <TabsTrigger value="installed">Installed</TabsTrigger>
        </TabsList>
      </Tabs>
      <div className="grid gap-3 sm:grid-cols-[1fr_14rem]">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="search">Search</Label>
          <div className="relative">
            <SearchIcon
              className="text-muted-foreground pointer-events-none absolute top-2.5 left-2.5 size-4"
              aria-hidden
            />
            <Input
              id="search"
              type="search"
              className="pl-8"
              placeholder="Name, slug, description or author"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </div>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="category">Category</Label>
          <Select value={category} onValueChange={setCategory}>
            <SelectTrigger id="category" aria-label="Category">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="all">All categories</SelectItem>
              {categories.map((c) => (
                <SelectItem key={c} value={c}>
                  {c}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
      </div>
      <WhenLoaded loaded={loaded} label="Loading the catalogue">
        {(data) => <PluginGrid plugins={data.plugins} tab={tab} query={query} category={category} />}
      </WhenLoaded>
    </div>
  );
}

function PluginGrid({
  plugins,
  tab,
  query,
  category,
}: {
  plugins: AvailablePlugin[];
  tab: "available" | "installed";
  query: string;
  category: string;
}) {
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return plugins.filter((p) => {
      if (tab === "installed" && p.state === "available") return false;
      if (category !== "all" && p.category !== category) return false;
      const text = [p.name, p.slug, p.description ?? "", p.author ?? ""].join(" ").toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }, [plugins, tab, query, category]);

  if (shown.length === 0) {
    const filtered = query !== "" || category !== "all";
    return (
      <EmptyState
        title={
          filtered ? "No plugin matches" : tab === "installed" ? "No plugin installed yet" : "The catalogue is empty"
        }
      >
        {filtered
          ? "Clear the search or pick another category."
          : tab === "installed"
            ? "Open a plugin in Available to install it."
            : "Publish one with admin-cli publish."}
      </EmptyState>
    );
  }
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label={`${tab} plugins`}>
      {shown.map((p) => (
        <li key={p.slug}>
          <Card className="h-full">
            <CardHeader>
              <div className="flex items-start justify-between gap-2">
                <CardTitle>
                  <Link
                    href={`/plugins/${encodeURIComponent(p.slug)}`}
                    className="hover:underline focus-visible:underline outline-none"
                  >
                    {p.name}
                  </Link>
                </CardTitle>
                <StateBadge state={p.state} />
              </div>
              <CardDescription className="font-mono text-xs">
                {p.slug}@{p.latest_version}
              </CardDescription>
            </CardHeader>
            <CardContent className="flex flex-col gap-3 text-sm">
              {p.description && <p className="text-muted-foreground">{p.description}</p>}
              <div className="flex flex-wrap gap-1.5">
                <Badge variant="secondary">{p.category}</Badge>
                {p.dependencies.map((d) => (
                  <Badge key={d.name} variant="outline">
                    needs {d.name} {d.version}
                  </Badge>
                ))}
              </div>
            </CardContent>
          </Card>
        </li>
      ))}
    </ul>
  );
}
