/** Every file `admin-cli scaffold` writes for a plugin of a category. */
import type { PluginCategory } from "@digital-commerce/plugin-sdk";
import { analyticsTemplate } from "./analytics.ts";
import { authTemplate } from "./auth.ts";
import { cmsTemplate } from "./cms.ts";
import { packageJsonOf, readmeOf } from "./common.ts";
import { emailTemplate } from "./email.ts";
import type { PluginNames } from "./names.ts";
import { paymentTemplate } from "./payment.ts";
import type { CategoryTemplate } from "./template.ts";
import { utilityTemplate } from "./utility.ts";

export { hookHandlerPath, hookHandlerSource } from "./hook-handler.ts";
export { camelCase, type PluginNames, titleOf } from "./names.ts";

const templates: Record<PluginCategory, (p: PluginNames) => CategoryTemplate> = {
  payment: paymentTemplate,
  auth: authTemplate,
  analytics: analyticsTemplate,
  email: emailTemplate,
  cms: cmsTemplate,
  utility: utilityTemplate,
};

/**
 * Path in the plugin folder → content. `sdk`: the SDK's version range, for a plugin that installs the
 * SDK itself (outside the platform's repository).
 */
export function scaffoldFiles(p: PluginNames, sdk?: string): Record<string, string> {
  const template = templates[p.category](p);
  return { ...template.files, "README.md": readmeOf(p, template), "package.json": packageJsonOf(p, sdk) };
}
