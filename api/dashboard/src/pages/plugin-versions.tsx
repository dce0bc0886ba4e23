/**
 * The installation's version: move it to another (upgrade, or down to an earlier one) or undo its last
 * upgrade (rollback). Each is planned first with the API's dry run, and the plan says what moves, why,
 * what changed in the version, how each setting fares, which database migrations run or are undone and
 * which permissions are added; added permissions must be approved before Confirm appears.
 */
import type { Permissions } from "@digital-commerce/plugin-sdk";
import { useState } from "react";
import { ConfirmAction } from "@/components/confirm-action";
import { ErrorAlert } from "@/components/page-state";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { adminApi } from "@/lib/api";
import type {
  ConfigChange,
  PluginDetails,
  RollbackPlan,
  UpgradePlan,
  VersionChangeResult,
  VersionStep,
} from "@/lib/types";

type Plan =
  | { status: "planning" }
  | { status: "refused"; error: unknown }
  | { status: "ready"; steps: VersionStep[]; approvalNeeded: boolean };

const path = (slug: string, action: "upgrade" | "rollback") => `/plugins/${encodeURIComponent(slug)}/${action}`;

export function PluginVersions({ details, onChanged }: { details: PluginDetails; onChanged: () => void }) {
  const installation = details.installation;
  const others = details.versions.filter((v) => v !== installation?.version);
  const [target, setTarget] = useState(others[0] ?? "");
  const [plan, setPlan] = useState<Plan>({ status: "planning" });
  const [approved, setApproved] = useState(false);
  if (!installation) return null;

  async function planUpgrade() {
    setPlan({ status: "planning" });
    setApproved(false);
    try {
      const dry = await adminApi<UpgradePlan>(path(details.slug, "upgrade"), {
        method: "POST",
        query: { dry_run: true },
        body: { version: target },
      });
      setPlan({ status: "ready", steps: dry.steps, approvalNeeded: dry.approval_needed });
    } catch (error) {
      setPlan({ status: "refused", error });
    }
  }

  async function planRollback() {
    setPlan({ status: "planning" });
    try {
      const dry = await adminApi<RollbackPlan>(path(details.slug, "rollback"), {
        method: "POST",
        query: { dry_run: true },
      });
      setPlan({ status: "ready", steps: dry.steps, approvalNeeded: false });
    } catch (error) {
      setPlan({ status: "refused", error });
    }
  }

  const moved = (result: VersionChangeResult) => result.steps.map((s) => `${s.slug} ${s.from} → ${s.to}`).join(", ");
  const ready = plan.status === "ready" && (!plan.approvalNeeded || approved);

  return (
    <Card>
      <CardHeader>
        <CardTitle>Version</CardTitle>
        <CardDescription>
          Runs <span className="font-mono">{installation.version}</span>. Calls in flight finish on the version they
          started on; everything after the change runs the new one.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {others.length > 0 && (
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="version-target">Move to</Label>
            <Select value={target} onValueChange={setTarget}>
              <SelectTrigger id="version-target">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {others.map((v) => (
                  <SelectItem key={v} value={v}>
                    {v}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
        )}
        <div className="flex flex-wrap gap-2">
          {others.length > 0 && (
            <ConfirmAction
              label="Upgrade"
              trigger={{ variant: "default" }}
              title={`Move ${details.manifest.name} to ${target}?`}
              description="The plan, from the admin API's dry run. Nothing has changed yet."
              confirmLabel="Confirm upgrade"
              confirmVariant="default"
              ready={ready}
              onOpen={planUpgrade}
              run={async () =>
                `Upgraded: ${moved(
                  await adminApi<VersionChangeResult>(path(details.slug, "upgrade"), {
                    method: "POST",
                    body: { version: target, approve_permissions: approved },
                  }),
                )}`
              }
              onDone={onChanged}
            >
              <PlanBody plan={plan} />
              {plan.status === "ready" && plan.approvalNeeded && (
                <div className="flex items-center gap-2">
                  <Switch id="approve-permissions" checked={approved} onCheckedChange={setApproved} />
                  <Label htmlFor="approve-permissions">Approve the permissions it adds</Label>
                </div>
              )}
            </ConfirmAction>
          )}
          <ConfirmAction
            label="Roll back"
            trigger={{ variant: "outline" }}
            title={`Undo ${details.manifest.name}'s last upgrade?`}
            description="The plan, from the admin API's dry run. Nothing has changed yet."
            confirmLabel="Confirm rollback"
            confirmVariant="destructive"
            ready={plan.status === "ready"}
            onOpen={planRollback}
            run={async () =>
              `Rolled back: ${moved(await adminApi<VersionChangeResult>(path(details.slug, "rollback"), { method: "POST" }))}`
            }
            onDone={onChanged}
          >
            <PlanBody plan={plan} />
          </ConfirmAction>
        </div>
      </CardContent>
    </Card>
  );
}

function PlanBody({ plan }: { plan: Plan }) {
  if (plan.status === "planning") return <p role="status">Planning…</p>;
  if (plan.status === "refused") return <ErrorAlert error={plan.error} title="The API would refuse this" />;
  return (
    <ol className="flex flex-col gap-3 text-sm" data-testid="version-plan">
      {plan.steps.map((s) => (
        <li key={s.slug} className="flex flex-col gap-1">
          <p>
            <span className="font-mono">{s.slug}</span> {s.from} → {s.to}
            {s.reason !== "requested" && <span className="text-muted-foreground"> ({s.reason})</span>}
          </p>
          {s.changelog && <p className="text-muted-foreground">{s.changelog}</p>}
          {s.config.some((c) => c.change !== "kept") && (
            <ul className="list-disc pl-5">
              {s.config
                .filter((c) => c.change !== "kept")
                .map((c) => (
                  <li key={c.key}>{settingChange(c)}</li>
                ))}
            </ul>
          )}
          {s.migrations.length > 0 && (
            <p>
              Database migrations: <span className="font-mono">{s.migrations.join(", ")}</span>
            </p>
          )}
          {hasAny(s.permissions.added) && <p className="font-medium">Asks for: {summary(s.permissions.added)}</p>}
          {hasAny(s.permissions.removed) && <p>Gives up: {summary(s.permissions.removed)}</p>}
        </li>
      ))}
    </ol>
  );
}

function settingChange(c: ConfigChange): string {
  switch (c.change) {
    case "renamed":
      return `${c.from} is now ${c.key}, value kept`;
    case "retyped":
      return `${c.key}: ${c.from_type} → ${c.to_type}, value converted`;
    case "added":
      return c.default === undefined ? `${c.key}: new` : `${c.key}: new, ${JSON.stringify(c.default)} by default`;
    case "removed":
      return `${c.key}: removed`;
    case "set":
      return `${c.key}: set now`;
    case "kept":
      return `${c.key}: kept`;
  }
}

const hasAny = (p: Permissions) => p.capabilities.length + p.network.length + p.sockets.length > 0;
const summary = (p: Permissions) =>
  [...p.capabilities, ...p.network, ...p.sockets.map((s) => `${s.transport}://${s.host}:${s.port}`)].join(", ");
