/** The bindings tests see: the API Worker's, plus the migrations the config reads. */

import type { D1Migration } from "cloudflare:test";
import type { PluginBundle } from "@digital-commerce/plugin-sdk/build";
import type { ApiEnv } from "../api/src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends ApiEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** Bundles of plugins/* and test/fixtures/plugins/*, by folder name, built by vitest.config.ts. */
      TEST_PLUGIN_BUNDLES: Record<string, PluginBundle>;
    }
  }
}

declare global {
  interface ImportMeta {
    /** Vite's compile-time glob import, which vitest provides. */
    glob<M>(pattern: string, options: { eager: true }): Record<string, M>;
  }
}
