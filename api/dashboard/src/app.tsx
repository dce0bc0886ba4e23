/** The dashboard's shell: the signed-in operator's header and navigation, and the page the path names. */
import { LogOutIcon } from "lucide-react";
import { lazy, Suspense, useEffect } from "react";
import { Link } from "./components/link.tsx";
import { LoadingRows } from "./components/page-state.tsx";
import { Badge } from "./components/ui/badge.tsx";
import { Button } from "./components/ui/button.tsx";
import { Toaster } from "./components/ui/sonner.tsx";
import { adminApi } from "./lib/api.ts";
import { dashboardTitle } from "./lib/dashboards.ts";
import { navigate, type Route, routeOf, usePath } from "./lib/router.ts";
import { clearSession, type Session, useSession } from "./lib/session.ts";
import type { DashboardsList } from "./lib/types.ts";
import { useApi } from "./lib/use-api.ts";
import { cn } from "./lib/utils.ts";
import { CataloguePage } from "./pages/catalogue.tsx";
import { DeadLettersPage } from "./pages/dead-letters.tsx";
import { EventPage, EventsPage, TracePage } from "./pages/events.tsx";
import { PluginPage } from "./pages/plugin.tsx";
import { SignInPage } from "./pages/sign-in.tsx";
import { WebhooksPage } from "./pages/webhooks.tsx";

// the charts (Recharts) load with the pages that draw them, not with sign-in and the catalogue
const HealthPage = lazy(() => import("./pages/health.tsx").then((m) => ({ default: m.HealthPage })));
const DashboardPage = lazy(() => import("./pages/dashboard.tsx").then((m) => ({ default: m.DashboardPage })));
const DashboardsPage = lazy(() => import("./pages/dashboard.tsx").then((m) => ({ default: m.DashboardsPage })));

const nav = [
  { href: "/plugins", label: "Plugins", pages: ["catalogue", "plugin"] },
  { href: "/health", label: "Health", pages: ["health"] },
  { href: "/dead-letters", label: "Dead letters", pages: ["dead-letters"] },
  { href: "/events", label: "Events", pages: ["events", "event", "trace"] },
  { href: "/webhooks", label: "Webhooks", pages: ["webhooks"] },
] as const;

export function App() {
  const path = usePath();
  const session = useSession();
  const route = routeOf(path);

  useEffect(() => {
    if (!session && route.page !== "sign-in") navigate(`/sign-in?next=${encodeURIComponent(path)}`, { replace: true });
    if (session && route.page === "sign-in") navigate("/plugins", { replace: true });
  }, [session, route.page, path]);

  useEffect(() => {
    document.title = `${titleOf(route)} · Digital Commerce admin`;
  }, [route]);

  if (!session || route.page === "sign-in") {
    return (
      <>
        <SignInPage />
        <Toaster />
      </>
    );
  }
  return (
    <div className="min-h-screen bg-muted/30">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-background focus:p-2"
      >
        Skip to content
      </a>
      <Header session={session} route={route} />
      <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6">
        <Suspense fallback={<LoadingRows label="Loading the page" />}>
          <Page route={route} session={session} />
        </Suspense>
      </main>
      <Toaster />
    </div>
  );
}

function titleOf(route: Route): string {
  switch (route.page) {
    case "sign-in":
      return "Sign in";
    case "catalogue":
      return "Plugins";
    case "plugin":
      return route.slug;
    case "health":
      return "Health";
    case "dead-letters":
      return "Dead letters";
    case "events":
      return "Events";
    case "webhooks":
      return "Webhooks";
    case "event":
      return `Event ${route.id}`;
    case "trace":
      return `Trace ${route.id}`;
    case "dashboards":
      return "Dashboards";
    case "dashboard":
      return dashboardTitle(route.name);
    case "not-found":
      return "Not found";
  }
}

/**
 * The nav's dashboards, one item each, from the widgets of the tenant's active plugins; asked again on
 * each page change, so a plugin activated a moment ago adds its dashboard. Without any, nothing shows.
 */
function useDashboardNav(path: string): { href: string; label: string; name: string }[] {
  const loaded = useApi(() => adminApi<DashboardsList>("/dashboards"), [path]);
  if (loaded.status !== "ready") return [];
  return loaded.data.dashboards.map((d) => ({
    href: `/dashboards/${encodeURIComponent(d.dashboard)}`,
    label: dashboardTitle(d.dashboard),
    name: d.dashboard,
  }));
}

function Header({ session, route }: { session: Session; route: Route }) {
  const path = usePath();
  const dashboards = useDashboardNav(new URL(path, "http://dashboard.local").pathname);
  const items = [
    nav[0],
    ...dashboards.map((d) => ({
      href: d.href,
      label: d.label,
      current: route.page === "dashboard" && route.name === d.name,
    })),
    ...nav.slice(1),
  ].map((item) => ({
    href: item.href,
    label: item.label,
    current: "pages" in item ? (item.pages as readonly string[]).includes(route.page) : item.current,
  }));
  return (
    <header className="bg-background border-b">
      <div className="mx-auto flex w-full max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/plugins" className="font-semibold">
          Commerce admin
        </Link>
        <nav aria-label="Main" className="order-3 flex w-full gap-1 overflow-x-auto sm:order-none sm:w-auto">
          {items.map(({ current, ...item }) => {
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={current ? "page" : undefined}
                className={cn(
                  "rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50",
                  current ? "bg-muted text-foreground" : "text-muted-foreground hover:text-foreground",
                )}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex items-center gap-2 text-sm">
          <span className="hidden text-muted-foreground sm:inline">{session.whoami.tenant.name}</span>
          <Badge variant="outline" data-testid="role">
            {session.whoami.role}
          </Badge>
          <Button variant="ghost" size="sm" onClick={() => clearSession()}>
            <LogOutIcon /> Sign out
          </Button>
        </div>
      </div>
    </header>
  );
}

function Page({ route, session }: { route: Route; session: Session }) {
  const role = session.whoami.role;
  switch (route.page) {
    case "catalogue":
      return <CataloguePage tab={route.tab} />;
    case "plugin":
      return <PluginPage key={route.slug} slug={route.slug} tab={route.tab} role={role} />;
    case "health":
      return <HealthPage />;
    case "dead-letters":
      return <DeadLettersPage role={role} />;
    case "events":
      return <EventsPage />;
    case "webhooks":
      return <WebhooksPage role={role} />;
    case "event":
      return <EventPage key={route.id} id={route.id} />;
    case "trace":
      return <TracePage key={route.id} id={route.id} />;
    case "dashboards":
      return <DashboardsPage />;
    case "dashboard":
      return <DashboardPage key={route.name} name={route.name} role={role} />;
    case "sign-in":
      return null;
    case "not-found":
      return (
        <div className="flex flex-col gap-2">
          <h1 className="text-xl font-semibold">No page at {route.path}</h1>
          <Link href="/plugins" className="text-primary underline">
            Go to the plugins
          </Link>
        </div>
      );
  }
}
