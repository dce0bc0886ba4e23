/**
 * The admin API: plugin management (publishing too), the hook pipeline's traces, dead letters and
 * hook dry runs, plugin UI (dashboards of widgets, their actions, settings components), and who the
 * calling token is, for the calling token's tenant; and, for a token that may reach past it, a
 * plugin's canary rollouts.
 */
export { accountAdmin } from "./account.ts";
export { hookRunsAdmin } from "./hook-runs.ts";
export { pipelineAdmin } from "./pipeline.ts";
export { pluginsAdmin } from "./plugins.ts";
export { quotasAdmin } from "./quotas.ts";
export { rolloutsAdmin } from "./rollouts.ts";
export { uiAdmin } from "./ui.ts";
