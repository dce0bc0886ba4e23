/** The consumer Worker's entry: wires queue batches to their consumers. */
import { createLogger } from "../../api/src/logging/index.ts";
import type { ConsumerEnv } from "./env.ts";
import { consumeHookEvents } from "./hook-events.ts";

export default {
  async queue(batch, env) {
    const log = createLogger(env.LOG_LEVEL, { service: "commerce-consumers", queue: batch.queue });
    await consumeHookEvents(batch, log);
  },
} satisfies ExportedHandler<ConsumerEnv>;
