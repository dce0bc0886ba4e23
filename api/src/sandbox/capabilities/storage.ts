/**
 * The storage capability: R2, every key under the tenant's and plugin's prefix, chosen by the platform.
 * Uploads are held to the storage_bytes quota (stored-bytes.ts).
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import type { ApiEnv } from "../../env.ts";
import { ledgerDb } from "../../ledger/index.ts";
import { CapabilityError } from "../errors.ts";
import { checkKeyRecorded } from "./keys.ts";
import { type CallCapabilityProps, type CapabilityProps, namespaceOf } from "./props.ts";
import { checkStoredBytes, forgetStoredKey, recordStoredBytes } from "./stored-bytes.ts";

const MAX_OBJECT_BYTES = 25 * 1024 * 1024;

export const storagePrefix = (props: CapabilityProps) => `plugin-storage/${namespaceOf(props)}/`;

export class StorageCapability extends WorkerEntrypoint<ApiEnv, CallCapabilityProps> {
  private name(key: unknown): string {
    const scope = {
      db: ledgerDb(this.env, this.ctx.props.tenantId),
      props: this.ctx.props,
      waitUntil: (p: Promise<unknown>) => this.ctx.waitUntil(p),
    };
    return checkKeyRecorded(scope, "storage", key);
  }

  async upload(key: unknown, data: unknown, metadata?: unknown): Promise<string> {
    const name = this.name(key);
    if (!(data instanceof ArrayBuffer)) throw new CapabilityError("INVALID_ARGUMENT", "data must be an ArrayBuffer");
    if (data.byteLength > MAX_OBJECT_BYTES)
      throw new CapabilityError("TOO_LARGE", `an object must be at most ${MAX_OBJECT_BYTES} bytes`);
    const custom = metadata === undefined ? undefined : checkMetadata(metadata);
    const { props } = this.ctx;
    await checkStoredBytes(
      ledgerDb(this.env, props.tenantId),
      props,
      "storage",
      name,
      data.byteLength,
      props.call.quotas.storage_bytes,
    );
    await this.env.PLUGIN_STORAGE.put(storagePrefix(props) + name, data, { customMetadata: custom });
    await recordStoredBytes(ledgerDb(this.env, props.tenantId), props, "storage", name, data.byteLength);
    return name;
  }

  async download(key: unknown): Promise<ArrayBuffer> {
    const name = this.name(key);
    const object = await this.env.PLUGIN_STORAGE.get(storagePrefix(this.ctx.props) + name);
    if (!object) throw new CapabilityError("NOT_FOUND", `no object "${name}"`);
    return await object.arrayBuffer();
  }

  async delete(key: unknown): Promise<void> {
    const name = this.name(key);
    await this.env.PLUGIN_STORAGE.delete(storagePrefix(this.ctx.props) + name);
    await forgetStoredKey(ledgerDb(this.env, this.ctx.props.tenantId), this.ctx.props, "storage", name);
  }
}

function checkMetadata(metadata: unknown): Record<string, string> {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new CapabilityError("INVALID_ARGUMENT", "metadata must be an object of strings");
  }
  const entries = Object.entries(metadata);
  if (entries.some(([, v]) => typeof v !== "string"))
    throw new CapabilityError("INVALID_ARGUMENT", "metadata values must be strings");
  return Object.fromEntries(entries) as Record<string, string>;
}
