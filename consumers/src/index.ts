/** The consumer Worker's entry: wires queue batches to their consumers. */
import { serviceLogger } from "../../api/src/logging/index.ts";
import type { ConsumerEnv } from "./env.ts";
import { consumeHookEvents } from "./hook-events.ts";

export default {
  async queue(batch, env) {
    const log = serviceLogger("commerce-consumers", env.LOG_LEVEL).child({ queue: batch.queue });
    await consumeHookEvents(batch, log);
  },
} satisfies ExportedHandler<ConsumerEnv>;
