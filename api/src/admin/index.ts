/** The admin API: plugin management, and the hook pipeline's traces and dead letters, for the calling token's tenant. */
export { pipelineAdmin } from "./pipeline.ts";
export { pluginsAdmin } from "./plugins.ts";
