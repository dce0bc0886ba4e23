/**
 * The hook catalogue as data: every hook the spec names, its payload schema and
 * its kind. "before" hooks run synchronously in the API Worker and may transform
 * or veto; "notification" hooks are delivered asynchronously through Queues.
 * Source: spec, "Hook System / Available Hooks".
 */
import { distance } from "fastest-levenshtein";
import type { z } from "zod";
import {
  authHookData,
  orderHookData,
  paymentHookData,
  pluginEventSchema,
  productHookData,
  sessionHookData,
  userHookData,
} from "./payloads.ts";

export type HookKind = "before" | "notification";

export interface HookDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  group: "product" | "order" | "payment" | "user" | "auth" | "system";
  kind: HookKind;
  /** The payload key a handler may return alone, replacing just that part (e.g. `payment`). */
  subject: string;
  payload: S;
  description: string;
}

const hook = <S extends z.ZodType>(
  name: string,
  group: HookDefinition["group"],
  kind: HookKind,
  subject: string,
  payload: S,
  description: string,
): HookDefinition<S> => ({ name, group, kind, subject, payload, description });

export const HookCatalogue = {
  before_product_create: hook(
    "before_product_create",
    "product",
    "before",
    "product",
    productHookData,
    "A product is about to be created.",
  ),
  after_product_create: hook(
    "after_product_create",
    "product",
    "notification",
    "product",
    productHookData,
    "A product was created.",
  ),
  before_product_update: hook(
    "before_product_update",
    "product",
    "before",
    "product",
    productHookData,
    "A product is about to be updated.",
  ),
  after_product_update: hook(
    "after_product_update",
    "product",
    "notification",
    "product",
    productHookData,
    "A product was updated.",
  ),
  before_order_create: hook(
    "before_order_create",
    "order",
    "before",
    "order",
    orderHookData,
    "An order is about to be created.",
  ),
  after_order_create: hook(
    "after_order_create",
    "order",
    "notification",
    "order",
    orderHookData,
    "An order was created.",
  ),
  before_order_complete: hook(
    "before_order_complete",
    "order",
    "before",
    "order",
    orderHookData,
    "An order is about to be completed.",
  ),
  after_order_complete: hook(
    "after_order_complete",
    "order",
    "notification",
    "order",
    orderHookData,
    "An order was completed.",
  ),
  before_payment_process: hook(
    "before_payment_process",
    "payment",
    "before",
    "payment",
    paymentHookData,
    "A payment is about to be processed.",
  ),
  after_payment_success: hook(
    "after_payment_success",
    "payment",
    "notification",
    "payment",
    paymentHookData,
    "A payment succeeded.",
  ),
  after_payment_failure: hook(
    "after_payment_failure",
    "payment",
    "notification",
    "payment",
    paymentHookData,
    "A payment failed.",
  ),
  before_user_create: hook(
    "before_user_create",
    "user",
    "before",
    "user",
    userHookData,
    "A user is about to be created.",
  ),
  after_user_create: hook("after_user_create", "user", "notification", "user", userHookData, "A user was created."),
  user_login: hook("user_login", "user", "notification", "user", sessionHookData, "A user signed in."),
  user_logout: hook("user_logout", "user", "notification", "user", sessionHookData, "A user signed out."),
  before_authenticate: hook(
    "before_authenticate",
    "auth",
    "before",
    "credentials",
    authHookData,
    "Credentials are about to be checked.",
  ),
  after_authenticate: hook(
    "after_authenticate",
    "auth",
    "notification",
    "user",
    authHookData,
    "Credentials were accepted.",
  ),
  authentication_failed: hook(
    "authentication_failed",
    "auth",
    "notification",
    "credentials",
    authHookData,
    "Credentials were refused.",
  ),
  plugin_installed: hook(
    "plugin_installed",
    "system",
    "notification",
    "plugin",
    pluginEventSchema,
    "A plugin was installed for a tenant.",
  ),
  plugin_activated: hook(
    "plugin_activated",
    "system",
    "notification",
    "plugin",
    pluginEventSchema,
    "A plugin was activated for a tenant.",
  ),
  plugin_error: hook("plugin_error", "system", "notification", "plugin", pluginEventSchema, "A plugin failed."),
} as const;

export type HookName = keyof typeof HookCatalogue;
export type HookPayload<H extends HookName> = z.infer<(typeof HookCatalogue)[H]["payload"]>;

export const hookNames = Object.keys(HookCatalogue) as [HookName, ...HookName[]];

export function isHookName(name: string): name is HookName {
  return Object.hasOwn(HookCatalogue, name);
}

/** Whether `name` mentions the thing hook `h` is about (its group or subject, e.g. "payment"). */
function mentionsSubjectOf(name: string, h: HookName): boolean {
  const { group, subject } = HookCatalogue[h];
  return name
    .toLowerCase()
    .split(/[_\-\s]+/)
    .some((token) => token.startsWith(group) || token.startsWith(subject));
}

/**
 * The catalogue names nearest to `name`, best first: what a user most likely meant.
 * Hooks about the thing the name mentions come first, then edit distance decides: someone who
 * writes `before_payment_create` means a payment hook, although `before_product_create` is
 * fewer edits away.
 *
 * @example
 * suggestHooks("before_payment_create"); // ["before_payment_process", ...]
 */
export function suggestHooks(name: string, count = 3): HookName[] {
  const rank = (h: HookName) => (mentionsSubjectOf(name, h) ? 0 : 1);
  return [...hookNames]
    .sort((a, b) => rank(a) - rank(b) || distance(name, a) - distance(name, b) || a.localeCompare(b))
    .slice(0, count);
}

/** A message naming the closest valid hook and listing them all, for an unknown hook name. */
export function unknownHookMessage(name: string): string {
  const [best] = suggestHooks(name, 1);
  return `unknown hook "${name}"; did you mean "${best}"? Valid hooks: ${hookNames.join(", ")}`;
}
