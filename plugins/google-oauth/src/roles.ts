/**
 * Roles and what they grant, from the `role_mapping` setting:
 *
 * ```json
 * {
 *   "emails": { "ada@example.com": ["admin"] },
 *   "domains": { "example.com": ["staff"] },
 *   "default": ["customer"],
 *   "grants": {
 *     "admin": ["*:*"],
 *     "staff": ["orders:*", "products:read", "products:update"],
 *     "customer": ["products:read", "orders:read"]
 *   }
 * }
 * ```
 *
 * A user's roles are those of their exact address, those of their address's domain, and `default`,
 * together. A role grants each `resource:action` pattern it lists; `*` in either half matches
 * anything. Every role named must have an entry in `grants` (a typo would otherwise grant nothing,
 * silently). The shape is checked when the plugin is activated, naming the bad entry.
 */

import { fail } from "./failures.ts";
import * as z from "./schema.ts";

const role = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9_-]{0,63}$/, "must be a role name such as staff (lowercase, digits, _ or -)"));
const roles = z.array(role);
const domain = z
  .string()
  .check(
    z.regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase domain name"),
  );
const pattern = z
  .string()
  .check(z.regex(/^(\*|[a-z][a-z0-9_-]*):(\*|[a-z][a-z0-9_-]*)$/, 'must be "resource:action", either half "*"'));

export const roleMappingSchema = z
  .strictObject({
    emails: z._default(z.record(z.email("must be an email address"), roles), {}),
    domains: z._default(z.record(domain, roles), {}),
    default: z._default(roles, []),
    grants: z._default(z.record(role, z.array(pattern)), {}),
  })
  .check(
    z.superRefine((mapping, ctx) => {
      const named: [PropertyKey[], string][] = [
        ...Object.entries(mapping.emails).flatMap(([k, rs]) =>
          rs.map((r, i): [PropertyKey[], string] => [["emails", k, i], r]),
        ),
        ...Object.entries(mapping.domains).flatMap(([k, rs]) =>
          rs.map((r, i): [PropertyKey[], string] => [["domains", k, i], r]),
        ),
        ...mapping.default.map((r, i): [PropertyKey[], string] => [["default", i], r]),
      ];
      for (const [path, name] of named) {
        if (!Object.hasOwn(mapping.grants, name)) {
          ctx.addIssue({
            code: "custom",
            path,
            message: `role "${name}" has no entry in grants, so it would grant nothing`,
            input: name,
          });
        }
      }
    }),
  );
export type RoleMapping = z.infer<typeof roleMappingSchema>;

/** `role_mapping.domains["ex ample.com"]: must be a lowercase domain name`: the entry, then what is wrong. */
function entryOf(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    const text = String(key);
    return /^[a-z_][a-z0-9_]*$/i.test(text) ? `${out}.${text}` : `${out}[${JSON.stringify(text)}]`;
  }, "role_mapping");
}

/**
 * The setting read, or a MISCONFIGURED failure naming every bad entry.
 *
 * @example
 * roleMappingOf({ default: ["customer"], grants: { customer: ["products:read"] } }).default; // ["customer"]
 */
export function roleMappingOf(value: unknown): RoleMapping {
  const parsed = roleMappingSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    // a bad record key: what is wrong with the key itself, not "Invalid key in record"
    const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return `${entryOf(issue.path)}: ${message}`;
  });
  return fail("MISCONFIGURED", problems.join("; "));
}

/** The roles of `email`: its address's, its domain's and the default ones, each once, in that order. */
export function rolesFor(mapping: RoleMapping, email: string | undefined): string[] {
  const address = email?.trim().toLowerCase();
  const domainOf = address?.split("@")[1];
  const listed = Object.entries(mapping.emails).find(([key]) => key.toLowerCase() === address)?.[1] ?? [];
  const all = [...listed, ...(domainOf ? (mapping.domains[domainOf] ?? []) : []), ...mapping.default];
  return [...new Set(all)];
}

const matches = (pattern: string, value: string) => pattern === "*" || pattern === value;

/** Whether any of `roles` grants `action` on `resource`. */
export function allows(mapping: RoleMapping, roles: readonly string[], resource: string, action: string): boolean {
  return roles.some((name) =>
    (mapping.grants[name] ?? []).some((grant) => {
      const [r = "", a = ""] = grant.split(":");
      return matches(r, resource) && matches(a, action);
    }),
  );
}
