/**
 * The logger capability: structured lines tagged with tenant and plugin, with
 * the plugin's own sensitive setting values replaced wherever they appear.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import { decryptValue, isEncrypted } from "../../config/index.ts";
import type { ApiEnv } from "../../env.ts";
import { ledgerDb } from "../../ledger/index.ts";
import { serviceLogger } from "../../logging/index.ts";
import type { CapabilityProps } from "./props.ts";

const MAX_MESSAGE = 4_096;
const SECRET_TTL_MS = 30_000;
const secretsCache = new Map<string, { values: string[]; expires: number }>();

/** The decrypted values of the plugin's sensitive settings for this tenant, cached briefly per isolate. */
async function secretsOf(env: ApiEnv, props: CapabilityProps): Promise<string[]> {
  const key = `${props.tenantId}/${props.slug}`;
  const hit = secretsCache.get(key);
  if (hit && hit.expires > Date.now()) return hit.values;
  const row = await ledgerDb(env, props.tenantId)
    .prepare("SELECT config FROM installations WHERE tenant_id = ? AND slug = ?")
    .bind(props.tenantId, props.slug)
    .first<{ config: string }>();
  const values: string[] = [];
  for (const [name, value] of Object.entries(JSON.parse(row?.config ?? "{}") as Record<string, unknown>)) {
    if (!isEncrypted(value)) continue;
    const clear = await decryptValue(env.CONFIG_ENCRYPTION_KEY, `${props.tenantId}/${props.slug}/${name}`, value);
    const text = typeof clear === "string" ? clear : JSON.stringify(clear);
    if (text.length >= 4) values.push(text);
  }
  secretsCache.set(key, { values, expires: Date.now() + SECRET_TTL_MS });
  return values;
}

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}

/** `text` with every sensitive setting value of this tenant's plugin replaced by `[redacted]`. */
export async function redactForPlugin(env: ApiEnv, props: CapabilityProps, text: string): Promise<string> {
  return redact(text, await secretsOf(env, props));
}

export class LogCapability extends WorkerEntrypoint<ApiEnv, CapabilityProps> {
  async write(level: unknown, message: unknown, meta?: unknown, error?: unknown): Promise<void> {
    const lvl = level === "debug" || level === "info" || level === "warn" || level === "error" ? level : "info";
    const secrets = await secretsOf(this.env, this.ctx.props);
    const fields = JSON.parse(
      redact(JSON.stringify({ meta: meta ?? undefined, error: error ?? undefined }), secrets),
    ) as Record<string, unknown>;
    const text = redact(String(message).slice(0, MAX_MESSAGE), secrets);
    serviceLogger("plugin", this.env.LOG_LEVEL)
      .child({ tenant: this.ctx.props.tenantId, plugin: this.ctx.props.slug })
      [lvl]({ ...fields, source: "plugin" }, text);
  }
}
