/** The cache capability: KV, every key prefixed by the platform with the tenant and plugin. */

import { WorkerEntrypoint } from "cloudflare:workers";
import type { ApiEnv } from "../../env.ts";
import { ledgerDb } from "../../ledger/index.ts";
import { CapabilityError } from "../errors.ts";
import { checkKeyRecorded } from "./keys.ts";
import { type CapabilityProps, namespaceOf } from "./props.ts";

/** KV refuses expirations under 60 seconds. */
const MIN_TTL = 60;
const MAX_VALUE_BYTES = 128 * 1024;

export class CacheCapability extends WorkerEntrypoint<ApiEnv, CapabilityProps> {
  private key(key: unknown): string {
    const scope = {
      db: ledgerDb(this.env, this.ctx.props.tenantId),
      props: this.ctx.props,
      waitUntil: (p: Promise<unknown>) => this.ctx.waitUntil(p),
    };
    return `plugin-cache/${namespaceOf(this.ctx.props)}/${checkKeyRecorded(scope, "cache", key)}`;
  }

  async get(key: unknown): Promise<unknown> {
    return await this.env.CACHE.get(this.key(key), "json");
  }

  async set(key: unknown, value: unknown, ttl?: unknown): Promise<void> {
    const text = JSON.stringify(value ?? null);
    if (text.length > MAX_VALUE_BYTES)
      throw new CapabilityError("TOO_LARGE", `a cached value must be at most ${MAX_VALUE_BYTES} bytes`);
    if (ttl !== undefined && (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl < MIN_TTL)) {
      throw new CapabilityError("INVALID_ARGUMENT", `ttl must be a number of seconds, at least ${MIN_TTL}`);
    }
    await this.env.CACHE.put(this.key(key), text, ttl === undefined ? undefined : { expirationTtl: ttl });
  }

  async delete(key: unknown): Promise<void> {
    await this.env.CACHE.delete(this.key(key));
  }
}
