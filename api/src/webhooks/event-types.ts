/**
 * What an endpoint may subscribe to: the catalogue's notification hooks (before hooks run inline in
 * the API Worker and are never delivered), events plugins emit (`event:<name>`), and "*" for all of them.
 */
import { HookCatalogue, type HookName, hookNames, isHookName, suggestHooks } from "@digital-commerce/plugin-sdk";

/** Every notification hook of the catalogue, in catalogue order. */
export const notificationHooks: HookName[] = hookNames.filter((h) => HookCatalogue[h].kind === "notification");

export const ALL_EVENTS = "*";

// the same rule EventsCapability.emit applies to the names plugins emit
const customEventName = /^event:[a-z0-9][a-z0-9_.-]{0,99}$/i;

/** Whether `topic` (an outbox topic) can reach webhook endpoints at all. */
export function isWebhookTopic(topic: string): boolean {
  return (isHookName(topic) && HookCatalogue[topic].kind === "notification") || customEventName.test(topic);
}

/** Why `type` cannot be subscribed to, with what to use instead; null when it can. */
export function eventTypeProblem(type: string): string | null {
  if (type === ALL_EVENTS || isWebhookTopic(type)) return null;
  if (isHookName(type)) {
    const twin = type.replace(/^before_/, "after_");
    const after =
      notificationHooks.find((h) => h === twin) ??
      notificationHooks.find((h) => HookCatalogue[h].group === HookCatalogue[type].group);
    return `"${type}" is a before hook: it runs inline and is never delivered${after ? `; subscribe to "${after}"` : ""}`;
  }
  if (type.startsWith("event:")) {
    return `"${type}" is not a valid custom event: after "event:" come 1-100 letters, digits, '.', '_' or '-'`;
  }
  const [best] = suggestHooks(type, notificationHooks.length + hookNames.length).filter((h) =>
    notificationHooks.includes(h),
  );
  return `unknown event type "${type}"; did you mean "${best}"? Use a notification hook (${notificationHooks.join(", ")}), "event:<name>" or "*"`;
}

/** Whether an endpoint subscribed to `events` receives `topic`. */
export function subscribes(events: readonly string[], topic: string): boolean {
  return isWebhookTopic(topic) && (events.includes(ALL_EVENTS) || events.includes(topic));
}
