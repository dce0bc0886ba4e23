/** The admin API: plugin management for the calling token's tenant. */
export { pluginsAdmin } from "./plugins.ts";
