/**
 * A plugin's manifest summary, the permissions it asks for, and its state transitions. Every
 * transition is planned first with the API's dry run (`?dry_run=true`, cascading), and the plan (which
 * plugins change, in which order, granted which permissions) is shown before the operator confirms.
 */
import type { Permissions } from "@digital-commerce/plugin-sdk";
import { useState } from "react";
import { ConfirmAction } from "@/components/confirm-action";
import { ErrorAlert } from "@/components/page-state";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { adminApi } from "@/lib/api";
import { canChange } from "@/lib/session";
import type { InstallPlan, PluginDetails, Role, TransitionPlan } from "@/lib/types";
import { WidgetSlots } from "@/widgets/widget-slots";
import { PluginVersions } from "./plugin-versions.tsx";

type Action = "install" | "activate" | "deactivate" | "uninstall";

const actionsByState: Record<string, Action[]> = {
  available: ["install"],
  installed: ["activate", "uninstall"],
  inactive: ["activate", "uninstall"],
  active: ["deactivate"],
};

const verb: Record<Action, string> = {
  install: "Install",
  activate: "Activate",
  deactivate: "Deactivate",
  uninstall: "Uninstall",
};

/** The API call of an action: install posts, uninstall deletes, the others post to their name. */
function call(slug: string, action: Action, query: Record<string, string | boolean | undefined>) {
  const path = `/plugins/${encodeURIComponent(slug)}${action === "uninstall" ? "" : `/${action}`}`;
  const method = action === "uninstall" ? "DELETE" : "POST";
  return adminApi<unknown>(path, { method, query, ...(action === "install" ? { body: {} } : {}) });
}

type Plan =
  | { status: "planning" }
  | { status: "refused"; error: unknown }
  | { status: "ready"; install?: InstallPlan; changed: string[]; cascade: boolean };

export function PluginOverview({
  details,
  role,
  onChanged,
}: {
  details: PluginDetails;
  role: Role;
  onChanged: () => void;
}) {
  const m = details.manifest;
  const state = details.installation?.state ?? "available";
  const [plan, setPlan] = useState<Plan>({ status: "planning" });

  // each dialog plans as it opens: the dry run says what would change, refused exactly as the real call would be
  async function planOf(a: Action) {
    setPlan({ status: "planning" });
    try {
      if (a === "install") {
        const install = (await call(details.slug, a, { dry_run: true })) as InstallPlan;
        setPlan({ status: "ready", install, changed: install.installed.map((e) => e.slug), cascade: false });
      } else {
        // planned with cascade: the plan shows every plugin the change carries along, and it is applied so only if it does
        const { changed } = (await call(details.slug, a, { dry_run: true, cascade: true })) as TransitionPlan;
        setPlan({ status: "ready", changed, cascade: changed.some((s) => s !== details.slug) });
      }
    } catch (error) {
      setPlan({ status: "refused", error });
    }
  }

  async function apply(a: Action) {
    if (plan.status !== "ready") throw new Error("The plan is not ready yet.");
    await call(details.slug, a, plan.cascade ? { cascade: true } : {});
    return `${verb[a]}: ${plan.changed.join(", ")}`;
  }

  return (
    <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
      <div className="flex flex-col gap-4">
        <Card>
          <CardHeader>
            <CardTitle>About</CardTitle>
            {m.description && <CardDescription>{m.description}</CardDescription>}
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-muted-foreground">Author</dt>
              <dd>{m.author ?? "—"}</dd>
              <dt className="text-muted-foreground">Versions</dt>
              <dd className="font-mono">{details.versions.join(", ")}</dd>
              <dt className="text-muted-foreground">Installed</dt>
              <dd>
                {details.installation
                  ? `${details.installation.version}${details.installation.as_dependency ? " (as a dependency)" : ""}, since ${new Date(details.installation.installed_at).toLocaleString()}`
                  : "no"}
              </dd>
              <dt className="text-muted-foreground">Dependencies</dt>
              <dd>{m.dependencies.length ? m.dependencies.map((d) => `${d.name} ${d.version}`).join(", ") : "none"}</dd>
              <dt className="text-muted-foreground">Hooks</dt>
              <dd>
                {m.hooks.length ? (
                  <span className="flex flex-wrap gap-1">
                    {m.hooks.map((h) => (
                      <Badge key={`${h.name}-${h.handler}`} variant="outline" className="font-mono">
                        {h.name}
                      </Badge>
                    ))}
                  </span>
                ) : (
                  "none"
                )}
              </dd>
              <dt className="text-muted-foreground">Endpoints</dt>
              <dd className="flex flex-col gap-0.5 font-mono text-xs break-all">
                {m.api_endpoints.length
                  ? m.api_endpoints.map((e) => (
                      <span key={`${e.method} ${e.path}`}>
                        {e.method} /api/plugins/{m.slug}
                        {e.path}
                      </span>
                    ))
                  : "none"}
              </dd>
              <dt className="text-muted-foreground">Webhooks</dt>
              <dd className="font-mono text-xs">
                {m.webhooks.length ? m.webhooks.map((w) => w.path).join(" · ") : "none"}
              </dd>
            </dl>
          </CardContent>
        </Card>
        <WidgetSlots manifest={m} />
      </div>
      {/* on a phone the state and the permissions come first: they are what an operator acts on */}
      <div className="order-first flex flex-col gap-4 lg:order-none">
        {canChange(role) && (
          <Card>
            <CardHeader>
              <CardTitle>State</CardTitle>
              <CardDescription>Each change shows its plan first; nothing changes until you confirm.</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-wrap gap-2">
              {(actionsByState[state] ?? []).map((a) => (
                <ConfirmAction
                  key={a}
                  label={verb[a]}
                  trigger={{ variant: a === "uninstall" || a === "deactivate" ? "outline" : "default" }}
                  title={`${verb[a]} ${m.name}?`}
                  description="The plan, from the admin API's dry run. Nothing has changed yet."
                  confirmLabel={`Confirm ${verb[a].toLowerCase()}`}
                  confirmVariant={a === "uninstall" ? "destructive" : "default"}
                  ready={plan.status === "ready"}
                  onOpen={() => planOf(a)}
                  run={() => apply(a)}
                  onDone={onChanged}
                >
                  {plan.status === "planning" && <p role="status">Planning…</p>}
                  {plan.status === "refused" && <ErrorAlert error={plan.error} title="The API would refuse this" />}
                  {plan.status === "ready" && <PlanView action={a} plan={plan} />}
                </ConfirmAction>
              ))}
            </CardContent>
          </Card>
        )}
        {canChange(role) && details.installation && <PluginVersions details={details} onChanged={onChanged} />}
        <Card>
          <CardHeader>
            <CardTitle>Permissions it asks for</CardTitle>
          </CardHeader>
          <CardContent>
            <PermissionList permissions={m.permissions} />
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

function PlanView({ action, plan }: { action: Action; plan: Extract<Plan, { status: "ready" }> }) {
  if (action === "install" && plan.install) {
    return (
      <div className="flex flex-col gap-2" data-testid="plan">
        <p className="text-sm">
          Installs {plan.install.installed.length} plugin{plan.install.installed.length === 1 ? "" : "s"}, dependencies
          first, and grants each the permissions shown:
        </p>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Plugin</TableHead>
              <TableHead>Version</TableHead>
              <TableHead>As</TableHead>
              <TableHead>Permissions</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {plan.install.installed.map((e) => (
              <TableRow key={e.slug}>
                <TableCell className="font-mono">{e.slug}</TableCell>
                <TableCell className="font-mono">{e.version}</TableCell>
                <TableCell>{e.as_dependency ? "dependency" : "requested"}</TableCell>
                <TableCell className="text-xs whitespace-normal">{permissionSummary(e.permissions)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-2" data-testid="plan">
      <p className="text-sm">
        {plan.changed.length === 1
          ? "Changes this plugin only:"
          : `Changes ${plan.changed.length} plugins, in this order:`}
      </p>
      <ol className="list-decimal pl-6 font-mono text-sm">
        {plan.changed.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
    </div>
  );
}

function permissionSummary(p: Permissions): string {
  const parts = [
    ...p.capabilities,
    ...p.network.map((h) => `http → ${h}`),
    ...p.sockets.map((s) => `${s.transport}://${s.host}:${s.port}`),
  ];
  return parts.length ? parts.join(", ") : "none";
}

function PermissionList({ permissions: p }: { permissions: Permissions }) {
  if (p.capabilities.length + p.network.length + p.sockets.length === 0) {
    return <p className="text-muted-foreground text-sm">None: it runs without any capability.</p>;
  }
  return (
    <dl className="flex flex-col gap-3 text-sm">
      <div>
        <dt className="text-muted-foreground">Capabilities</dt>
        <dd className="mt-1 flex flex-wrap gap-1">
          {p.capabilities.length
            ? p.capabilities.map((c) => (
                <Badge key={c} variant="outline">
                  {c}
                </Badge>
              ))
            : "none"}
        </dd>
      </div>
      <div>
        <dt className="text-muted-foreground">Network hosts</dt>
        <dd className="font-mono text-xs">{p.network.length ? p.network.join(", ") : "none"}</dd>
      </div>
      <div>
        <dt className="text-muted-foreground">Sockets</dt>
        <dd className="font-mono text-xs">
          {p.sockets.length ? p.sockets.map((s) => `${s.transport}://${s.host}:${s.port}`).join(", ") : "none"}
        </dd>
      </div>
    </dl>
  );
}
