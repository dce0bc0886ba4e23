/** The manifest of a bench recorder: after_product_create recorded in its own db, and read back by the benchmark. */
import { createPlugin } from "@digital-commerce/plugin-sdk";

export const recorderManifest = (name: string, slug: string) =>
  createPlugin(name, slug)
    .version("1.0.0")
    .hook("after_product_create", "src/record.ts", 100)
    .apiEndpoint("GET", "/received", "src/received.ts")
    .permission({ capabilities: ["db"] })
    .migration(
      "0001_received",
      "CREATE TABLE received (id INTEGER PRIMARY KEY, event_id TEXT, product_id TEXT, run TEXT, attempt INTEGER, handled_at INTEGER)",
    )
    .build();
