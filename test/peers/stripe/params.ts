/**
 * Request parameters checked the way Stripe checks them: each endpoint declares a zod schema of the
 * form-encoded strings it takes, and the first problem becomes Stripe's 400 with the field named in
 * Stripe's bracket notation (`metadata[tenant]`) and Stripe's code (`parameter_missing`,
 * `parameter_unknown`, `parameter_invalid_integer`, `parameter_invalid_empty`).
 */
import { z } from "zod";
import { invalidParam, type StripeApiError } from "./errors.ts";
import type { FormParams, FormValue } from "./form.ts";

/** What a primitive records on its issue, so the message can name the param (which only the path knows). */
type Problem =
  | { kind: "missing" }
  | { kind: "empty" }
  | { kind: "invalid"; message: string; code?: string }
  | { kind: "enum"; values: readonly string[] };

type Ctx = z.core.$RefinementCtx<unknown>;

function fail(ctx: Ctx, input: unknown, problem: Problem): never {
  ctx.issues.push({ code: "custom", message: problem.kind, input, params: problem });
  return z.NEVER;
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** An integer (`amount=2000`); "12.5" and "abc" are refused as Stripe does. */
export const integer = () =>
  z.unknown().transform((v, ctx): number => {
    if (v === undefined) return fail(ctx, v, { kind: "missing" });
    if (typeof v !== "string" || !/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
      return fail(ctx, v, {
        kind: "invalid",
        message: `Invalid integer: ${show(v)}`,
        code: "parameter_invalid_integer",
      });
    }
    return Number(v);
  });

/** `true`/`false` as the SDK sends them. */
export const boolean = () =>
  z.unknown().transform((v, ctx): boolean => {
    if (v === undefined) return fail(ctx, v, { kind: "missing" });
    if (v === "true") return true;
    if (v === "false") return false;
    return fail(ctx, v, { kind: "invalid", message: `Invalid boolean: ${show(v)}` });
  });

/** A non-empty string: an empty value is Stripe's "unset", which these fields do not allow. */
export const text = (maxLength = 5000) =>
  z.unknown().transform((v, ctx): string => {
    if (v === undefined) return fail(ctx, v, { kind: "missing" });
    if (typeof v !== "string") return fail(ctx, v, { kind: "invalid", message: `Invalid string: ${show(v)}` });
    if (v === "") return fail(ctx, v, { kind: "empty" });
    if (v.length > maxLength) {
      return fail(ctx, v, { kind: "invalid", message: `Invalid string: must be at most ${maxLength} characters` });
    }
    return v;
  });

/** A string field that an empty value unsets (`description=` clears the description): "" becomes null. */
export const unsettableText = (maxLength = 5000) =>
  z.unknown().transform((v, ctx): string | null => {
    if (v === "") return null;
    if (v === undefined) return fail(ctx, v, { kind: "missing" });
    if (typeof v !== "string") return fail(ctx, v, { kind: "invalid", message: `Invalid string: ${show(v)}` });
    if (v.length > maxLength) {
      return fail(ctx, v, { kind: "invalid", message: `Invalid string: must be at most ${maxLength} characters` });
    }
    return v;
  });

export const oneOf = <const T extends readonly string[]>(values: T) =>
  z.unknown().transform((v, ctx): T[number] => {
    if (v === undefined) return fail(ctx, v, { kind: "missing" });
    if (typeof v !== "string" || !values.includes(v)) return fail(ctx, v, { kind: "enum", values });
    return v as T[number];
  });

/** `expand[0]=latest_charge`, `payment_method_types[0]=card`. */
export const textList = () =>
  z.unknown().transform((v, ctx): string[] => {
    if (v === undefined) return fail(ctx, v, { kind: "missing" });
    if (!Array.isArray(v) || v.some((item) => typeof item !== "string" || item === "")) {
      return fail(ctx, v, { kind: "invalid", message: `Invalid array` });
    }
    return v as string[];
  });

/**
 * `metadata[key]=value`: at most 50 keys, keys up to 40 characters, values up to 500
 * (https://docs.stripe.com/metadata). A value of "" unsets that key, and `metadata=` unsets them all,
 * so the result maps a key to null for "remove".
 */
export const metadata = () =>
  z.unknown().transform((v, ctx): Record<string, string | null> => {
    if (v === undefined) return fail(ctx, v, { kind: "missing" });
    if (v === "") return {};
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      return fail(ctx, v, { kind: "invalid", message: "Invalid object" });
    }
    const entries = Object.entries(v as Record<string, FormValue>);
    if (entries.length > 50) {
      return fail(ctx, v, { kind: "invalid", message: "You can specify up to 50 keys in metadata." });
    }
    const out: Record<string, string | null> = {};
    for (const [key, value] of entries) {
      if (typeof value !== "string") {
        return fail(ctx, v, { kind: "invalid", message: `Invalid string: ${show(value)} (metadata[${key}])` });
      }
      if (key.length > 40) {
        return fail(ctx, v, { kind: "invalid", message: `Metadata keys must be at most 40 characters: ${key}` });
      }
      if (value.length > 500) {
        return fail(ctx, v, { kind: "invalid", message: `Metadata values must be at most 500 characters (${key})` });
      }
      out[key] = value === "" ? null : value;
    }
    return out;
  });

/** Applies `metadata[key]=value` (null removes the key), as Stripe merges metadata on every update. */
export function mergeMetadata(target: Record<string, string>, changes: Record<string, string | null> | undefined) {
  if (!changes) return;
  if (Object.keys(changes).length === 0) for (const key of Object.keys(target)) delete target[key];
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete target[key];
    else target[key] = value;
  }
}

/** A nested hash (`automatic_payment_methods[enabled]=true`) whose keys are all declared. */
export const hash = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape);

/** `a.b.0` → `a[b][0]`, the name Stripe gives a nested param in its errors. */
function paramName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ""}${rest.map((s) => `[${s}]`).join("")}`;
}

function list(values: readonly string[]): string {
  if (values.length <= 1) return values.join("");
  return `${values.slice(0, -1).join(", ")}, or ${values.at(-1)}`;
}

function toStripeError(issue: z.core.$ZodIssue): StripeApiError {
  if (issue.code === "unrecognized_keys") {
    const param = paramName([...issue.path, issue.keys[0] ?? ""]);
    return invalidParam(param, `Received unknown parameter: ${param}`, "parameter_unknown");
  }
  const param = paramName(issue.path);
  const problem = (issue.code === "custom" ? issue.params : undefined) as Problem | undefined;
  switch (problem?.kind) {
    case "missing":
      return invalidParam(param, `Missing required param: ${param}.`, "parameter_missing");
    case "empty":
      return invalidParam(
        param,
        `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; ` +
          `however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
        "parameter_invalid_empty",
      );
    case "enum":
      return invalidParam(param, `Invalid ${param}: must be one of ${list(problem.values)}`);
    case "invalid":
      return invalidParam(param, problem.message, problem.code);
    default:
      // a nested hash given as a string, or an array where a hash belongs
      return invalidParam(param, "Invalid object");
  }
}

/** Parses `raw` with an endpoint's schema: the typed params, or the 400 Stripe would answer. */
export function parseParams<S extends z.ZodType>(schema: S, raw: FormParams): z.output<S> | StripeApiError {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  return toStripeError(result.error.issues[0] as z.core.$ZodIssue);
}
