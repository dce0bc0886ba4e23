/** The events capability: a plugin's events go to its tenant's event stream, through the outbox. */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { ApiEnv } from "../../env.ts";
import { serviceLogger } from "../../logging/index.ts";
import { flushOutbox, outboxEvent } from "../../outbox/index.ts";
import { CapabilityError } from "../errors.ts";
import type { CapabilityProps } from "./props.ts";

const MAX_EVENT_BYTES = 64 * 1024;

export class EventsCapability extends WorkerEntrypoint<ApiEnv, CapabilityProps> {
  async emit(event: unknown, data: unknown): Promise<void> {
    if (typeof event !== "string" || !/^[a-z0-9][a-z0-9_.-]{0,99}$/i.test(event)) {
      throw new CapabilityError("INVALID_ARGUMENT", "an event name is 1-100 letters, digits, '.', '_' or '-'");
    }
    if (JSON.stringify(data ?? null).length > MAX_EVENT_BYTES) {
      throw new CapabilityError("TOO_LARGE", `event data must be at most ${MAX_EVENT_BYTES} bytes of JSON`);
    }
    const { tenantId, slug } = this.ctx.props;
    const e = outboxEvent(this.env.DB, tenantId, `event:${event}`, slug, { event, data: data ?? null });
    await e.statement.run();
    await flushOutbox(
      this.env.DB,
      this.env,
      [e],
      serviceLogger("plugin", this.env.LOG_LEVEL).child({ tenant: tenantId, plugin: slug }),
    );
  }
}
