/**
 * A plugin's configuration is validated against the zod schema built from its
 * manifest's settings_schema: types, required fields, enums, bounds, defaults.
 */
import {
  type SettingSpec,
  type SettingsSchema,
  type SocketTransport,
  socketAddressOf,
} from "@digital-commerce/plugin-sdk";
import { z } from "zod";
import { hostProblem, type UrlPolicy, urlProblem } from "../net/index.ts";

function fieldSchema(spec: SettingSpec, policy: UrlPolicy): z.ZodType {
  switch (spec.type) {
    case "string": {
      let s = z.string();
      if (spec.min !== undefined) s = s.min(spec.min);
      if (spec.max !== undefined) s = s.max(spec.max);
      if (spec.pattern !== undefined) s = s.regex(new RegExp(spec.pattern), `must match ${spec.pattern}`);
      return withEnum(s, spec);
    }
    case "number":
    case "integer": {
      let n = spec.type === "integer" ? z.number().int() : z.number();
      if (spec.min !== undefined) n = n.min(spec.min);
      if (spec.max !== undefined) n = n.max(spec.max);
      return withEnum(n, spec);
    }
    case "boolean":
      return z.boolean();
    case "url":
      // a socket address is a TCP destination the plugin will connect() to: its shape, transport and address rule
      if (spec.socket) {
        const transports = spec.socket;
        return z.string().superRefine((value, ctx) => {
          const problem = socketAddressProblem(value, transports, policy);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        });
      }
      // a service address is where the plugin's requests will go: the webhook endpoints' SSRF rule applies
      return spec.egress
        ? z.url().superRefine((url, ctx) => {
            const problem = urlProblem(url, policy);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          })
        : z.url();
    case "email":
      return z.email();
    case "json":
      return z.json();
  }
}

function socketAddressProblem(value: string, transports: readonly SocketTransport[], policy: UrlPolicy): string | null {
  const address = socketAddressOf(value);
  if (address.problem !== undefined) return address.problem;
  if (!transports.includes(address.grant.transport)) {
    return `must use ${transports.map((t) => `${t}://`).join(" or ")}, not ${address.grant.transport}://`;
  }
  return hostProblem(address.grant.host, policy);
}

function withEnum(base: z.ZodType, spec: SettingSpec): z.ZodType {
  const allowed = spec.enum;
  if (!allowed) return base;
  return base.refine((v) => allowed.includes(v as string | number), {
    message: `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
  });
}

/** The schema of what a tenant may store: each value checked, unknown keys refused; nothing required yet (activation demands that). */
export function partialConfigSchema(
  settings: SettingsSchema,
  policy: UrlPolicy = { allowPrivate: false },
): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, spec] of Object.entries(settings)) shape[key] = fieldSchema(spec, policy).optional();
  return z.strictObject(shape);
}

export function sensitiveKeys(settings: SettingsSchema): string[] {
  return Object.entries(settings)
    .filter(([, spec]) => spec.sensitive)
    .map(([key]) => key);
}

export function defaultsOf(settings: SettingsSchema): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(settings)
      .filter(([, spec]) => spec.default !== undefined)
      .map(([key, spec]) => [key, spec.default]),
  );
}

/** Required settings that have neither a stored value nor a default. */
export function missingRequired(settings: SettingsSchema, stored: Record<string, unknown>): string[] {
  return Object.entries(settings)
    .filter(([key, spec]) => spec.required && spec.default === undefined && stored[key] === undefined)
    .map(([key]) => key);
}
