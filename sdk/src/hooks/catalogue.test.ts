import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HookCatalogue, hookNames, isHookName, suggestHooks, unknownHookMessage } from "../index.ts";

// The spec's list, "Hook System / Available Hooks": "before_*" hooks may transform or veto,
// everything else is a notification delivered after the fact.
const specHooks = {
  before: [
    "before_product_create",
    "before_product_update",
    "before_order_create",
    "before_order_complete",
    "before_payment_process",
    "before_user_create",
    "before_authenticate",
  ],
  notification: [
    "after_product_create",
    "after_product_update",
    "after_order_create",
    "after_order_complete",
    "after_payment_success",
    "after_payment_failure",
    "after_user_create",
    "user_login",
    "user_logout",
    "after_authenticate",
    "authentication_failed",
    "plugin_installed",
    "plugin_activated",
    "plugin_error",
  ],
};

describe("hook catalogue", () => {
  it("holds exactly the 21 hooks the spec names", () => {
    expect(hookNames).toHaveLength(21);
    expect([...hookNames].sort()).toEqual([...specHooks.before, ...specHooks.notification].sort());
  });

  it.each(specHooks.before)("lets %s transform or veto (a before hook)", (name) => {
    expect(isHookName(name) && HookCatalogue[name].kind).toBe("before");
  });

  it.each(specHooks.notification)("delivers %s as a notification", (name) => {
    expect(isHookName(name) && HookCatalogue[name].kind).toBe("notification");
  });

  it("names each hook by its own key", () => {
    for (const name of hookNames) expect(HookCatalogue[name].name).toBe(name);
  });

  it("suggests before_payment_process for before_payment_create", () => {
    expect(suggestHooks("before_payment_create")[0]).toBe("before_payment_process");
    expect(unknownHookMessage("before_payment_create")).toContain('did you mean "before_payment_process"?');
  });

  it.each([
    ["before_paymnt_process", "before_payment_process"],
    ["after_order_created", "after_order_create"],
    ["plugin_install", "plugin_installed"],
    ["user_signin", "user_login"],
  ])("suggests the hook meant by a misspelt %s", (typed, meant) => {
    expect(suggestHooks(typed)[0]).toBe(meant);
  });

  it("does not take names inherited from Object.prototype for hooks", () => {
    expect(isHookName("toString")).toBe(false);
    expect(isHookName("__proto__")).toBe(false);
  });

  it.each(hookNames)("carries the subject of %s in its payload, so a handler may return just that", (name) => {
    const { payload, subject } = HookCatalogue[name];
    expect(payload).toBeInstanceOf(z.ZodObject);
    expect(Object.keys((payload as z.ZodObject).shape)).toContain(subject);
  });
});
