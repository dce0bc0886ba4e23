/** A plugin's state and health as badges: the same words the API uses. */
import type { HealthStatus, PluginState } from "@/lib/types";
import { Badge } from "./ui/badge";

export function StateBadge({ state }: { state: PluginState | "available" }) {
  const variant = state === "active" ? "success" : state === "available" ? "outline" : "secondary";
  return <Badge variant={variant}>{state}</Badge>;
}

export function HealthBadge({ status }: { status: HealthStatus }) {
  const variant =
    status === "healthy"
      ? "success"
      : status === "degraded"
        ? "warning"
        : status === "unhealthy"
          ? "destructive"
          : "secondary";
  return <Badge variant={variant}>{status.replace("_", " ")}</Badge>;
}
