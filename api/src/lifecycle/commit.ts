/**
 * Planned transitions and their commit. Planning reads and checks only, so a dry
 * run is the plan without its commit, and refuses exactly what the commit would.
 * A commit runs the plugins' lifecycle callbacks, then writes one D1 batch (a transaction): guards first,
 * then the writes and the outbox events. A guard inserts 0 into
 * transition_guards when a state the plan relied on has changed since it was
 * read; the CHECK constraint then fails and the whole batch rolls back.
 */

import type { HookName } from "@digital-commerce/plugin-sdk";
import type { GlobalDb, TenantDb } from "../ledger/tenant-db.ts";
import type { Logger } from "../logging/index.ts";
import { flushOutbox, type OutboxEvent, type OutboxQueues, outboxEvent } from "../outbox/index.ts";
import type { PluginState } from "../registry/index.ts";
import type { SandboxDeps } from "../sandbox/index.ts";
import { LifecycleError } from "./errors.ts";

export interface TenantScope {
  /** D1: the plugin catalogue. */
  catalogue: GlobalDb;
  /** The tenant's ledger: its installations, transition guards and outbox. */
  db: TenantDb;
  queues: OutboxQueues;
  tenantId: string;
  secret: string;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: service-address settings may name loopback and private hosts. */
  allowPrivateUrls?: boolean;
  log: Logger;
  /** Runs plugin code (lifecycle callbacks); absent, no plugin code runs. */
  sandbox?: SandboxDeps;
  /**
   * Told the plugins a transition touched, right after its batch commits (the D1 index of which
   * tenants run which version, api/src/rollouts). The commit stands whatever it does: a failure is logged.
   */
  afterCommit?: (slugs: readonly string[]) => Promise<void>;
}

/** A transition planned from one read: what it will do (`result`), and `commit()`, which does it and answers the same. */
export interface TransitionPlan<T> {
  result: T;
  commit(): Promise<T>;
}

export class TransitionBatch {
  private readonly guards: D1PreparedStatement[] = [];
  private readonly writes: D1PreparedStatement[] = [];
  private readonly events: OutboxEvent[] = [];
  private readonly touched = new Set<string>();

  constructor(private readonly scope: TenantScope) {}

  /** The commit goes through only if `slug` is still in `state` (null: not installed), and at `version` if given. */
  expect(slug: string, state: PluginState | null, version?: string): this {
    const { db, tenantId } = this.scope;
    this.touched.add(slug);
    const exists = "SELECT 1 FROM installations WHERE tenant_id = ? AND slug = ?";
    this.guards.push(
      state === null
        ? db.prepare(`INSERT INTO transition_guards (ok) SELECT NOT EXISTS (${exists})`).bind(tenantId, slug)
        : version === undefined
          ? db
              .prepare(`INSERT INTO transition_guards (ok) SELECT EXISTS (${exists} AND state = ?)`)
              .bind(tenantId, slug, state)
          : db
              .prepare(`INSERT INTO transition_guards (ok) SELECT EXISTS (${exists} AND state = ? AND version = ?)`)
              .bind(tenantId, slug, state, version),
    );
    return this;
  }

  write(statement: D1PreparedStatement): this {
    this.writes.push(statement);
    return this;
  }

  emit(hook: HookName, slug: string | null, payload: unknown): this {
    this.events.push(outboxEvent(this.scope.db, this.scope.tenantId, hook, slug, payload));
    return this;
  }

  async commit(): Promise<void> {
    const { db } = this.scope;
    const cleanup = db.prepare("DELETE FROM transition_guards");
    try {
      await db.batch([...this.guards, ...this.writes, ...this.events.map((e) => e.statement), cleanup]);
    } catch (error) {
      if (error instanceof Error && /CHECK constraint failed/i.test(error.message)) {
        throw new LifecycleError(
          "CONCURRENT_MODIFICATION",
          "Another change to this tenant's plugins landed while this one was being planned; nothing was changed. Retry the request.",
        );
      }
      throw error;
    }
    await this.scope.afterCommit?.([...this.touched]).catch((error: unknown) => {
      this.scope.log.error({ err: error, plugins: [...this.touched] }, "a transition's after-commit step failed");
    });
    await flushOutbox(db, this.scope.queues, this.events, this.scope.log);
  }
}

export const now = () => new Date().toISOString();

export function setState(scope: TenantScope, slug: string, state: PluginState): D1PreparedStatement {
  return scope.db
    .prepare("UPDATE installations SET state = ?, updated_at = ? WHERE tenant_id = ? AND slug = ?")
    .bind(state, now(), scope.tenantId, slug);
}
