/** core-utils' plugin.ts: its services for dependents, and the activation check of its settings. */
import type { PluginImplementation } from "@digital-commerce/plugin-sdk";
import { ratesOf } from "./src/services.ts";

export { services } from "./src/services.ts";

const plugin: PluginImplementation<"utility"> = {
  /** A rate table that does not read is refused here, naming the entry, rather than at the first conversion. */
  onActivate: (context) => {
    ratesOf(context);
  },
};

export default plugin;
