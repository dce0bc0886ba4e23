/**
 * The events capability: a plugin's events go to its tenant's event stream, through the outbox. Each
 * event is charged to the plugin's meter first (events_per_call for its call, events_per_minute across
 * its calls): past either quota the emit is refused with QUOTA_EXCEEDED, which fails the call unless
 * the plugin catches it.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import { eventDataSchema } from "@digital-commerce/plugin-sdk";
import type { ApiEnv } from "../../env.ts";
import { ledgerDb } from "../../ledger/index.ts";
import { serviceLogger } from "../../logging/index.ts";
import { flushOutbox, type OutboxTopic, outboxEvent } from "../../outbox/index.ts";
import { CapabilityError } from "../errors.ts";
import { pluginDatabase } from "./database.ts";
import type { CallCapabilityProps } from "./props.ts";

const MAX_EVENT_BYTES = 64 * 1024;

function checkEvent(event: unknown, data: unknown): asserts event is string {
  if (typeof event !== "string" || !/^[a-z0-9][a-z0-9_.-]{0,99}$/i.test(event)) {
    throw new CapabilityError("INVALID_ARGUMENT", "an event name is 1-100 letters, digits, '.', '_' or '-'");
  }
  if (JSON.stringify(data ?? null).length > MAX_EVENT_BYTES) {
    throw new CapabilityError("TOO_LARGE", `event data must be at most ${MAX_EVENT_BYTES} bytes of JSON`);
  }
}

export class EventsCapability extends WorkerEntrypoint<ApiEnv, CallCapabilityProps> {
  async emit(event: unknown, data: unknown): Promise<void> {
    checkEvent(event, data);
    await this.#write(`event:${event}`, { event, data: data ?? null });
  }

  /** An analytics event: to the analytics queue, for the tenant's analytics plugins. */
  async track(event: unknown, properties: unknown): Promise<void> {
    checkEvent(event, properties);
    const parsed = eventDataSchema.safeParse({
      event,
      properties: properties ?? {},
      timestamp: new Date().toISOString(),
    });
    if (!parsed.success) throw new CapabilityError("INVALID_ARGUMENT", "analytics properties must be an object");
    await this.#write(`analytics:${event}`, parsed.data);
  }

  async #write(topic: OutboxTopic, payload: unknown): Promise<void> {
    const { tenantId, slug, call } = this.ctx.props;
    const charge = await pluginDatabase(this.env, this.ctx.props).chargeEvent({ tenantId, slug }, call);
    if (!charge.ok) throw new CapabilityError(charge.code, charge.message);
    const db = ledgerDb(this.env, tenantId);
    const e = outboxEvent(db, tenantId, topic, slug, payload);
    await e.statement.run();
    await flushOutbox(
      db,
      this.env,
      [e],
      serviceLogger("plugin", this.env.LOG_LEVEL).child({ tenant: tenantId, plugin: slug }),
    );
  }
}
