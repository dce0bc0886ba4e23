/**
 * A small history router: the dashboard has a handful of routes, so a library would weigh more than it
 * helps. Paths are real (the Worker's single-page-application fallback serves index.html for each).
 */
import { useSyncExternalStore } from "react";

const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

const location = () => window.location.pathname + window.location.search;

export function usePath(): string {
  return useSyncExternalStore(subscribe, location);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

export type Route =
  | { page: "sign-in" }
  | { page: "catalogue"; tab: "available" | "installed" }
  | { page: "plugin"; slug: string; tab: PluginTab }
  | { page: "health" }
  | { page: "dead-letters" }
  | { page: "events" }
  | { page: "webhooks" }
  | { page: "event"; id: string }
  | { page: "trace"; id: string }
  | { page: "dashboards" }
  | { page: "dashboard"; name: string }
  | { page: "not-found"; path: string };

export const pluginTabs = ["overview", "settings", "dependencies", "health"] as const;
export type PluginTab = (typeof pluginTabs)[number];

export function routeOf(path: string): Route {
  const url = new URL(path, "http://dashboard.local");
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "catalogue", tab: "available" };
  const [first, second, third] = parts;
  if (first === "sign-in" && parts.length === 1) return { page: "sign-in" };
  if (first === "plugins" && parts.length === 1) {
    return { page: "catalogue", tab: url.searchParams.get("tab") === "installed" ? "installed" : "available" };
  }
  if (first === "plugins" && second && parts.length <= 3) {
    const tab = (pluginTabs as readonly string[]).includes(third ?? "") ? (third as PluginTab) : "overview";
    if (third === undefined || tab === third) return { page: "plugin", slug: second, tab };
  }
  if (first === "health" && parts.length === 1) return { page: "health" };
  if (first === "dead-letters" && parts.length === 1) return { page: "dead-letters" };
  if (first === "events" && parts.length === 1) return { page: "events" };
  if (first === "webhooks" && parts.length === 1) return { page: "webhooks" };
  if (first === "events" && second && parts.length === 2) return { page: "event", id: second };
  if (first === "traces" && second && parts.length === 2) return { page: "trace", id: second };
  if (first === "dashboards" && parts.length === 1) return { page: "dashboards" };
  if (first === "dashboards" && second && parts.length === 2) return { page: "dashboard", name: second };
  return { page: "not-found", path: url.pathname };
}
