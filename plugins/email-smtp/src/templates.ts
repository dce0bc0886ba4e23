/**
 * The notification e-mails' templates: the defaults, the placeholders each may use, and rendering.
 * A tenant may override any subject, HTML or text body in settings; the manifest checks an override
 * against `templatePattern` when it is saved, so a template that names an unknown placeholder (or
 * puts a line break in a subject) is refused then, naming the setting, and never fails a send.
 * Every value is HTML-escaped in an HTML body; the only markup a body gets from the plugin is the
 * item table, which the plugin builds from escaped values itself.
 */

export const templateKinds = ["order", "welcome", "receipt"] as const;
export type TemplateKind = (typeof templateKinds)[number];
export const templateParts = ["subject", "html", "text"] as const;
export type TemplatePart = (typeof templateParts)[number];

/** The placeholders (`{{name}}`) each kind's templates may use. */
export const placeholders: Record<TemplateKind, readonly string[]> = {
  order: ["store_name", "order_id", "total", "items"],
  welcome: ["store_name", "name", "email"],
  receipt: ["store_name", "payment_id", "order_id", "amount", "method"],
};

/**
 * The regular expression a template setting must match: text with `{{placeholder}}` of the kind's own
 * placeholders, a lone `{` allowed (CSS), `{{` only as a placeholder; a subject is one line.
 *
 * @example
 * new RegExp(templatePattern("welcome", "subject")).test("Welcome to {{store_name}}"); // true
 * new RegExp(templatePattern("welcome", "subject")).test("Welcome {{password}}"); // false
 */
export function templatePattern(kind: TemplateKind, part: TemplatePart): string {
  const text = part === "subject" ? "[^{\\r\\n]" : "[^{]";
  return `^(?:${text}|\\{(?!\\{)|\\{\\{(?:${placeholders[kind].join("|")})\\}\\})*$`;
}

export const defaultTemplates: Record<TemplateKind, Record<TemplatePart, string>> = {
  order: {
    subject: "Your {{store_name}} order {{order_id}} is confirmed",
    html: `<!doctype html>
<html><body style="font-family: sans-serif">
<h1>Thank you for your order</h1>
<p>Your order <strong>{{order_id}}</strong> at {{store_name}} is confirmed.</p>
{{items}}
<p>Total: <strong>{{total}}</strong></p>
<p>{{store_name}}</p>
</body></html>`,
    text: `Thank you for your order

Your order {{order_id}} at {{store_name}} is confirmed.

{{items}}

Total: {{total}}

{{store_name}}`,
  },
  welcome: {
    subject: "Welcome to {{store_name}}",
    html: `<!doctype html>
<html><body style="font-family: sans-serif">
<h1>Welcome, {{name}}</h1>
<p>Your {{store_name}} account for {{email}} is ready.</p>
<p>{{store_name}}</p>
</body></html>`,
    text: `Welcome, {{name}}

Your {{store_name}} account for {{email}} is ready.

{{store_name}}`,
  },
  receipt: {
    subject: "{{store_name}} payment receipt: {{amount}}",
    html: `<!doctype html>
<html><body style="font-family: sans-serif">
<h1>Payment received</h1>
<p>We received your payment of <strong>{{amount}}</strong> for order {{order_id}}.</p>
<p>Payment {{payment_id}}, paid by {{method}}.</p>
<p>{{store_name}}</p>
</body></html>`,
    text: `Payment received

We received your payment of {{amount}} for order {{order_id}}.

Payment {{payment_id}}, paid by {{method}}.

{{store_name}}`,
  },
};

/** The setting that overrides a template part: `order_subject`, `welcome_html`, ... */
export const templateSetting = (kind: TemplateKind, part: TemplatePart) => `${kind}_${part}`;

/**
 * One template part as the tenant configured it (or the default), with its values filled in. In HTML
 * each value is escaped; `html` values are markup the plugin built from escaped values (the item table).
 *
 * @example
 * render("<p>{{name}}</p>", { name: "<b>Ada</b>" }, "html"); // "<p>&lt;b&gt;Ada&lt;/b&gt;</p>"
 */
export function render(
  template: string,
  values: Record<string, string>,
  mode: "html" | "text",
  html: Record<string, string> = {},
): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (_match, name: string) => {
    if (mode === "html") return html[name] ?? escapeHtml(values[name] ?? "");
    return values[name] ?? "";
  });
}

/** The template part a tenant's settings give, or the default. */
export function templateOf(config: Record<string, unknown>, kind: TemplateKind, part: TemplatePart): string {
  const override = config[templateSetting(kind, part)];
  return typeof override === "string" && override.trim() !== "" ? override : defaultTemplates[kind][part];
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
