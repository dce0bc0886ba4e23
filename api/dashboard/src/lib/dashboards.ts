/** Plugin dashboards by name: how the nav and the page title one. */

/**
 * "analytics" → "Analytics", "store-health" → "Store health".
 *
 * @example
 * dashboardTitle("store-health"); // "Store health"
 */
export function dashboardTitle(name: string): string {
  const words = name.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
