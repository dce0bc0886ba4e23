/**
 * The settings form's rules, taken from the API's own module (api/src/config/): the zod schema the
 * API builds from settings_schema validates the form in the browser, so a value the form accepts is
 * one the API accepts, save for where a service address may point, which depends on the deployment
 * (private and loopback hosts are allowed in development only): the form lets those through and
 * shows the API's refusal if there is one.
 */
import type { SettingSpec, SettingsSchema } from "@digital-commerce/plugin-sdk";
import { MASK, partialConfigSchema } from "../../../src/config/index.ts";

export { MASK };

/** What an input holds: text for most types, a boolean for a switch. */
export type FieldValue = string | boolean;

/** The form's starting values from the stored configuration (sensitive ones arrive as the mask). */
export function initialValues(settings: SettingsSchema, config: Record<string, unknown>): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const [key, spec] of Object.entries(settings)) {
    const value = config[key] ?? spec.default;
    if (spec.type === "boolean") values[key] = value === true;
    else if (value === undefined || value === null) values[key] = "";
    else if (spec.type === "json") values[key] = JSON.stringify(value, null, 2);
    else values[key] = String(value);
  }
  return values;
}

/** An input's text as the setting's type: a number for number and integer, parsed JSON for json. */
function typedValue(spec: SettingSpec, value: FieldValue): { value?: unknown; problem?: string } {
  if (typeof value === "boolean") return { value };
  if (value === "") return {};
  switch (spec.type) {
    case "number":
    case "integer": {
      const n = Number(value);
      return Number.isFinite(n) ? { value: n } : { problem: "must be a number" };
    }
    case "json":
      try {
        return { value: JSON.parse(value) as unknown };
      } catch {
        return { problem: "must be valid JSON" };
      }
    default:
      return { value };
  }
}

export interface FormCheck {
  /** The body to PUT: every setting with a value; a sensitive one left untouched is sent as the mask. */
  body: Record<string, unknown>;
  /** Problems by setting key, in the API's words. */
  problems: Record<string, string>;
}

/**
 * Checks the form as the API would (PUT semantics: values are checked, required ones may still be
 * missing until activation, which the form shows as a note, not an error).
 */
export function checkForm(
  settings: SettingsSchema,
  values: Record<string, FieldValue>,
  sensitive: ReadonlySet<string>,
): FormCheck {
  const body: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const [key, spec] of Object.entries(settings)) {
    const raw = values[key] ?? "";
    // an untouched sensitive field still holds the mask: the API keeps the stored secret
    if (sensitive.has(key) && raw === MASK) {
      body[key] = MASK;
      continue;
    }
    const typed = typedValue(spec, raw);
    if (typed.problem) problems[key] = typed.problem;
    else if (typed.value !== undefined) body[key] = typed.value;
  }
  const candidate = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== MASK));
  const parsed = partialConfigSchema(settings, { allowPrivate: true }).safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      if (key && !problems[key]) problems[key] = issue.message;
    }
  }
  return { body, problems };
}

/** The problems the API named in a 422 INVALID_CONFIGURATION (`details.issues[].field` is `config.<key>`). */
export function apiProblems(details: unknown): Record<string, string> {
  const issues = (details as { issues?: { field?: string; message?: string }[] } | undefined)?.issues ?? [];
  const problems: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.field?.replace(/^config\./, "").split(".")[0];
    if (key && issue.message) problems[key] = issue.message;
  }
  return problems;
}
