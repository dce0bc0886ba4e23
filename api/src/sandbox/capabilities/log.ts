/**
 * The logger capability: structured lines tagged with tenant and plugin, with
 * the plugin's own sensitive setting values replaced wherever they appear.
 *
 * Lines and their bytes are bounded per call (log_lines_per_call, log_bytes_per_call): past either,
 * a line is dropped and counted, never refused, so a plugin's logging cannot fail its call. The
 * budget comes from the call's meter in leases (LEASE_LINES lines, LEASE_BYTES bytes at a time) so a
 * line costs no round trip to it; a lease left in one isolate when the call's next lines land in
 * another is lost to the call, so a call may log less than its quota, never more. The SDK's logger drops
 * past the budget its invocation carries before any line reaches here (`dropped` takes its count), so a
 * flood costs one round trip; this budget holds an isolate that ignores it all the same.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import { decryptValue, isEncrypted } from "../../config/index.ts";
import type { ApiEnv } from "../../env.ts";
import { ledgerDb } from "../../ledger/index.ts";
import { serviceLogger } from "../../logging/index.ts";
import type { QuotaName } from "../quotas.ts";
import { pluginDatabase } from "./database.ts";
import type { CallCapabilityProps, CapabilityProps } from "./props.ts";

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

const LEASE_LINES = 100;
const LEASE_BYTES = 256 * 1024;
const REPORT_DROPS_AFTER_MS = 50;

/** What this isolate holds of each call's log budget, and the drops it has not reported yet. */
interface CallLog {
  expiresAt: number;
  lines: number;
  bytes: number;
  spent: QuotaName | null;
  droppedLines: number;
  droppedBytes: number;
  reporting: boolean;
  /** The lease being asked for: lines arriving meanwhile wait for it instead of asking again. */
  leasing: Promise<void> | null;
}
const callLogs = new Map<string, CallLog>();

function callLogOf(props: CallCapabilityProps): CallLog {
  let log = callLogs.get(props.call.id);
  if (!log) {
    const now = Date.now();
    for (const [id, l] of callLogs) if (l.expiresAt < now && !l.reporting) callLogs.delete(id);
    log = {
      expiresAt: props.call.expiresAt,
      lines: 0,
      bytes: 0,
      spent: null,
      droppedLines: 0,
      droppedBytes: 0,
      reporting: false,
      leasing: null,
    };
    callLogs.set(props.call.id, log);
  }
  return log;
}

export class LogCapability extends WorkerEntrypoint<ApiEnv, CallCapabilityProps> {
  async write(level: unknown, message: unknown, meta?: unknown, error?: unknown): Promise<void> {
    const lvl = level === "debug" || level === "info" || level === "warn" || level === "error" ? level : "info";
    const raw = String(message).slice(0, MAX_MESSAGE);
    const rawFields = JSON.stringify({ meta: meta ?? undefined, error: error ?? undefined });
    if (!(await this.#admit(raw.length + rawFields.length))) return;
    const secrets = await secretsOf(this.env, this.ctx.props);
    const fields = JSON.parse(redact(rawFields, secrets)) as Record<string, unknown>;
    const text = redact(raw, secrets);
    serviceLogger("plugin", this.env.LOG_LEVEL)
      .child({ tenant: this.ctx.props.tenantId, plugin: this.ctx.props.slug })
      [lvl]({ ...fields, source: "plugin" }, text);
  }

  /**
   * Lines the isolate's logger dropped past the budget its invocation carried, counted as the capability
   * counts its own drops. A plugin can only inflate its own hit count with it, so it is taken as said,
   * within sane bounds.
   */
  dropped(lines: unknown, bytes: unknown, quota: unknown): void {
    const count = (n: unknown) => (typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
    const log = callLogOf(this.ctx.props);
    const n = count(lines);
    if (n === 0) return;
    log.droppedLines += n;
    log.droppedBytes += count(bytes);
    log.spent ??= quota === "log_bytes_per_call" ? "log_bytes_per_call" : "log_lines_per_call";
    this.#reportDrops(log);
  }

  /** Whether a line of `bytes` fits the call's budget; a line that does not is counted as dropped. */
  async #admit(bytes: number): Promise<boolean> {
    const { call } = this.ctx.props;
    const log = callLogOf(this.ctx.props);
    const fits = () => log.lines >= 1 && log.bytes >= bytes;
    // a call that has ended may log no more lines (a stub kept in a global)
    if (call.expiresAt < Date.now()) log.spent ??= "log_lines_per_call";
    // each lease either grants lines and bytes or marks the budget spent, so this ends
    while (!fits() && log.spent === null) {
      log.leasing ??= this.#lease(log, bytes);
      await log.leasing;
    }
    if (fits()) {
      log.lines--;
      log.bytes -= bytes;
      return true;
    }
    log.droppedLines++;
    log.droppedBytes += bytes;
    this.#reportDrops(log);
    return false;
  }

  /** Asks the call's meter for more, handing back what is left of the last lease (it did not fit a line). */
  #lease(log: CallLog, bytes: number): Promise<void> {
    const unused = { lines: log.lines, bytes: log.bytes };
    log.lines = 0;
    log.bytes = 0;
    return pluginDatabase(this.env, this.ctx.props)
      .leaseLog(this.#owner(), this.ctx.props.call, { lines: LEASE_LINES, bytes: Math.max(bytes, LEASE_BYTES) }, unused)
      .then((lease) => {
        log.lines += lease.lines;
        log.bytes += lease.bytes;
        log.spent = lease.spent;
      })
      .finally(() => {
        log.leasing = null;
      });
  }

  #owner(): CapabilityProps {
    return { tenantId: this.ctx.props.tenantId, slug: this.ctx.props.slug };
  }

  /** Sends the drops counted so far to the call's meter, a few at a time: a flood costs few round trips. */
  #reportDrops(log: CallLog): void {
    if (log.reporting) return;
    log.reporting = true;
    const report = async () => {
      await new Promise((resolve) => setTimeout(resolve, REPORT_DROPS_AFTER_MS));
      const dropped = { lines: log.droppedLines, bytes: log.droppedBytes, quota: log.spent ?? "log_bytes_per_call" };
      log.droppedLines = 0;
      log.droppedBytes = 0;
      log.reporting = false;
      await pluginDatabase(this.env, this.ctx.props).dropLogs(this.#owner(), this.ctx.props.call, dropped);
    };
    this.ctx.waitUntil(
      report().catch((e: unknown) =>
        serviceLogger("plugin", this.env.LOG_LEVEL).error({ err: e }, "could not count a plugin's dropped log lines"),
      ),
    );
  }
}
