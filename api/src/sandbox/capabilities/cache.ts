/**
 * The cache capability: KV, every key prefixed by the platform with the tenant and plugin. Values are
 * held to the cache_bytes quota (stored-bytes.ts), their TTL counted so expired ones stop counting.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import type { ApiEnv } from "../../env.ts";
import { ledgerDb } from "../../ledger/index.ts";
import { CapabilityError } from "../errors.ts";
import { checkKeyRecorded } from "./keys.ts";
import { type CallCapabilityProps, namespaceOf } from "./props.ts";
import { checkStoredBytes, forgetStoredKey, recordStoredBytes } from "./stored-bytes.ts";

/** KV refuses expirations under 60 seconds. */
const MIN_TTL = 60;
const MAX_VALUE_BYTES = 128 * 1024;

export class CacheCapability extends WorkerEntrypoint<ApiEnv, CallCapabilityProps> {
  private name(key: unknown): string {
    const scope = {
      db: ledgerDb(this.env, this.ctx.props.tenantId),
      props: this.ctx.props,
      waitUntil: (p: Promise<unknown>) => this.ctx.waitUntil(p),
    };
    return checkKeyRecorded(scope, "cache", key);
  }

  private key(key: unknown): string {
    return `plugin-cache/${namespaceOf(this.ctx.props)}/${this.name(key)}`;
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
    const name = this.name(key);
    const { props } = this.ctx;
    const bytes = new TextEncoder().encode(text).byteLength;
    await checkStoredBytes(
      ledgerDb(this.env, props.tenantId),
      props,
      "cache",
      name,
      bytes,
      props.call.quotas.cache_bytes,
    );
    await this.env.CACHE.put(this.key(name), text, ttl === undefined ? undefined : { expirationTtl: ttl });
    await recordStoredBytes(ledgerDb(this.env, props.tenantId), props, "cache", name, bytes, ttl as number | undefined);
  }

  async delete(key: unknown): Promise<void> {
    const name = this.name(key);
    await this.env.CACHE.delete(this.key(name));
    await forgetStoredKey(ledgerDb(this.env, this.ctx.props.tenantId), this.ctx.props, "cache", name);
  }
}
