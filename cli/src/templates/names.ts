/** How a scaffolded plugin's names are spelled in the files it gets. */
import type { PluginCategory } from "@digital-commerce/plugin-sdk";

/** What every template is written from. */
export interface PluginNames {
  slug: string;
  /** Display name: `stripe-gateway` becomes "Stripe Gateway". */
  name: string;
  category: PluginCategory;
  author?: string;
}

/** `stripe-gateway` → `Stripe Gateway`. */
export function titleOf(slug: string): string {
  return slug
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}

/** `before_payment_process` → `beforePaymentProcess`: the hook's handler's name and file. */
export function camelCase(name: string): string {
  return name.replace(/[_-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A string as a TypeScript string literal. */
export const str = (text: string): string => JSON.stringify(text);

/** The builder calls every scaffolded manifest starts with: version, description, author. */
export function manifestHead(p: PluginNames, description: string): string {
  return [
    `  .version("0.1.0")`,
    `  .description(${str(description)})`,
    ...(p.author ? [`  .author(${str(p.author)})`] : []),
  ].join("\n");
}

/** `export const manifest = createPaymentPlugin("Name", "slug")`, its arguments one a line when too long for one. */
export function manifestStart(create: string, p: PluginNames): string {
  const line = `export const manifest = ${create}(${str(p.name)}, ${str(p.slug)})`;
  return line.length <= 120 ? line : `export const manifest = ${create}(\n  ${str(p.name)},\n  ${str(p.slug)},\n)`;
}
