/**
 * A plugin's settings as a form generated from its settings_schema, checked as the operator types by
 * the API's own rules (lib/settings.ts). Sensitive settings are write-only: they show the mask and are
 * replaced only when something is typed. A viewer sees the values and no control.
 */
import type { SettingSpec } from "@digital-commerce/plugin-sdk";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { ErrorAlert, WhenLoaded } from "@/components/page-state";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import { ApiError, adminApi, messageOf } from "@/lib/api";
import { canChange } from "@/lib/session";
import { apiProblems, checkForm, type FieldValue, initialValues, MASK } from "@/lib/settings";
import type { ConfigView, PluginDetails, Role } from "@/lib/types";
import { useApi } from "@/lib/use-api";
import { SettingsComponent } from "@/widgets/settings-component";

export function PluginSettings({ details, role }: { details: PluginDetails; role: Role }) {
  // the plugin's own section (a tree it renders, drawn by widgets/) goes under the form, once installed
  const section = details.manifest.admin_ui?.settings_component && details.installation && (
    <SettingsComponent slug={details.slug} name={details.manifest.name} role={role} />
  );
  if (!section) return <SettingsFormPart details={details} role={role} />;
  return (
    <div className="flex flex-col gap-4">
      <SettingsFormPart details={details} role={role} />
      {section}
    </div>
  );
}

function SettingsFormPart({ details, role }: { details: PluginDetails; role: Role }) {
  const settings = details.manifest.settings_schema;
  if (Object.keys(settings).length === 0) {
    return <p className="text-muted-foreground text-sm">This plugin has no settings.</p>;
  }
  if (!details.installation) {
    return (
      <Alert>
        <AlertDescription>
          Install the plugin to configure it. Its settings:{" "}
          {Object.values(settings)
            .map((s) => s.label)
            .join(", ")}
          .
        </AlertDescription>
      </Alert>
    );
  }
  return <LoadedSettings details={details} role={role} />;
}

function LoadedSettings({ details, role }: { details: PluginDetails; role: Role }) {
  const loaded = useApi(
    () => adminApi<ConfigView>(`/plugins/${encodeURIComponent(details.slug)}/config`),
    [details.slug],
  );
  return (
    <WhenLoaded loaded={loaded} label="Loading the settings">
      {(view) =>
        canChange(role) ? (
          <SettingsForm key={JSON.stringify(view)} details={details} view={view} onSaved={loaded.reload} />
        ) : (
          <SettingsReadOnly details={details} view={view} />
        )
      }
    </WhenLoaded>
  );
}

function SettingsReadOnly({ details, view }: { details: PluginDetails; view: ConfigView }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Settings</CardTitle>
        <CardDescription>Read only: your role is viewer.</CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-3 text-sm sm:grid-cols-[12rem_1fr]">
          {Object.entries(details.manifest.settings_schema).map(([key, spec]) => (
            <div key={key} className="contents">
              <dt className="text-muted-foreground">{spec.label}</dt>
              <dd className="font-mono break-all">
                {view.config[key] === undefined
                  ? "not set"
                  : view.sensitive.includes(key)
                    ? "stored (secret, never shown)"
                    : typeof view.config[key] === "string"
                      ? String(view.config[key])
                      : JSON.stringify(view.config[key])}
              </dd>
            </div>
          ))}
        </dl>
      </CardContent>
    </Card>
  );
}

function SettingsForm({ details, view, onSaved }: { details: PluginDetails; view: ConfigView; onSaved: () => void }) {
  const settings = details.manifest.settings_schema;
  const sensitive = useMemo(() => new Set(view.sensitive), [view.sensitive]);
  const [values, setValues] = useState(() => initialValues(settings, view.config));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverProblems, setServerProblems] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<unknown>(null);
  const check = useMemo(() => checkForm(settings, values, sensitive), [settings, values, sensitive]);

  const set = (key: string, value: FieldValue) => {
    setValues((v) => ({ ...v, [key]: value }));
    setTouched((t) => new Set(t).add(key));
    setServerProblems(({ [key]: _, ...rest }) => rest);
  };

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setSaveError(null);
    if (Object.keys(check.problems).length > 0) return;
    setSaving(true);
    try {
      await adminApi<ConfigView>(`/plugins/${encodeURIComponent(details.slug)}/config`, {
        method: "PUT",
        body: check.body,
      });
      toast.success("Settings saved");
      onSaved();
    } catch (error) {
      setSaveError(error);
      if (error instanceof ApiError) setServerProblems(apiProblems(error.details));
      toast.error(messageOf(error));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Settings</CardTitle>
        <CardDescription>
          Checked as you type by the same rules the API applies. Secrets are write-only: type a new value to replace
          one.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={save} noValidate className="flex flex-col gap-5" aria-label="Settings">
          {view.missing_required.length > 0 && (
            <Alert>
              <AlertDescription>
                Needed before activation: {view.missing_required.map((k) => settings[k]?.label ?? k).join(", ")}.
              </AlertDescription>
            </Alert>
          )}
          {Object.entries(settings).map(([key, spec]) => {
            const problem = serverProblems[key] ?? (submitted || touched.has(key) ? check.problems[key] : undefined);
            return (
              <SettingField
                key={key}
                name={key}
                spec={spec}
                value={values[key] ?? ""}
                sensitive={sensitive.has(key)}
                stored={view.config[key] !== undefined}
                problem={problem}
                onChange={(v) => set(key, v)}
              />
            );
          })}
          {saveError !== null && <ErrorAlert error={saveError} title="Not saved" />}
          <div>
            <Button type="submit" disabled={saving}>
              {saving ? "Saving…" : "Save settings"}
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function SettingField({
  name,
  spec,
  value,
  sensitive,
  stored,
  problem,
  onChange,
}: {
  name: string;
  spec: SettingSpec;
  value: FieldValue;
  sensitive: boolean;
  stored: boolean;
  problem: string | undefined;
  onChange: (value: FieldValue) => void;
}) {
  const id = `setting-${name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described =
    [spec.description || rules(spec) || sensitive ? hintId : "", problem ? errorId : ""].filter(Boolean).join(" ") ||
    undefined;
  const common = { id, "aria-invalid": problem ? true : undefined, "aria-describedby": described } as const;

  let control: React.ReactNode;
  if (spec.type === "boolean") {
    control = <Switch {...common} checked={value === true} onCheckedChange={(c) => onChange(c)} />;
  } else if (spec.enum) {
    control = (
      <Select value={String(value)} onValueChange={onChange}>
        <SelectTrigger {...common} className="sm:max-w-sm">
          <SelectValue placeholder="Choose…" />
        </SelectTrigger>
        <SelectContent>
          {spec.enum.map((option) => (
            <SelectItem key={String(option)} value={String(option)}>
              {String(option)}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    );
  } else if (spec.type === "json") {
    control = <Textarea {...common} value={String(value)} onChange={(e) => onChange(e.target.value)} rows={4} />;
  } else if (sensitive) {
    // write-only: the stored secret never reaches the page; focusing a masked field clears it for typing
    control = (
      <Input
        {...common}
        type="password"
        autoComplete="new-password"
        value={String(value)}
        placeholder={stored ? "stored; type to replace" : "not set"}
        className="sm:max-w-md"
        onFocus={() => value === MASK && onChange("")}
        onBlur={() => value === "" && stored && onChange(MASK)}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  } else {
    const inputType =
      spec.type === "number" || spec.type === "integer"
        ? "number"
        : spec.type === "email"
          ? "email"
          : spec.type === "url"
            ? "url"
            : "text";
    control = (
      <Input
        {...common}
        type={inputType}
        inputMode={spec.type === "integer" ? "numeric" : undefined}
        value={String(value)}
        onChange={(e) => onChange(e.target.value)}
        className="sm:max-w-md"
      />
    );
  }

  return (
    <div className="flex flex-col gap-1.5" data-setting={name}>
      <Label htmlFor={id}>
        {spec.label}
        {spec.required && (
          <>
            <span className="text-destructive" aria-hidden>
              *
            </span>
            <span className="sr-only">(required)</span>
          </>
        )}
        {sensitive && <Badge variant="outline">secret</Badge>}
      </Label>
      {control}
      {(spec.description || rules(spec) || sensitive) && (
        <p id={hintId} className="text-muted-foreground text-xs">
          {[
            spec.description,
            rules(spec),
            sensitive && stored ? "A value is stored; it is never shown. Type to replace it." : "",
          ]
            .filter(Boolean)
            .join(" ")}
        </p>
      )}
      {problem && (
        <p id={errorId} role="alert" className="text-destructive text-sm">
          {problem}
        </p>
      )}
    </div>
  );
}

/** The rules in words, so the operator knows them before typing. */
function rules(spec: SettingSpec): string {
  const parts: string[] = [];
  if (spec.type === "integer") parts.push("A whole number.");
  if (spec.min !== undefined && spec.max !== undefined) {
    parts.push(spec.type === "string" ? `${spec.min} to ${spec.max} characters.` : `From ${spec.min} to ${spec.max}.`);
  } else if (spec.min !== undefined)
    parts.push(spec.type === "string" ? `At least ${spec.min} characters.` : `At least ${spec.min}.`);
  else if (spec.max !== undefined)
    parts.push(spec.type === "string" ? `At most ${spec.max} characters.` : `At most ${spec.max}.`);
  if (spec.pattern) parts.push(`Matches ${spec.pattern}.`);
  if (spec.type === "url" && spec.socket) parts.push(`An address like ${spec.socket[0]}://host:port.`);
  if (spec.default !== undefined) parts.push(`Default: ${JSON.stringify(spec.default)}.`);
  return parts.join(" ");
}
