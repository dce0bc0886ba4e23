/** The bindings tests see: the consumer Worker's (a superset of the API Worker's), plus what the config adds. */

import type { D1Migration } from "cloudflare:test";
import type { PluginBundle } from "@digital-commerce/plugin-sdk/build";
import type { ConsumerEnv } from "../consumers/src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends ConsumerEnv {
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
