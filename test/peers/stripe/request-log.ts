/**
 * Every API request the peer received, with what a test asserts on: the idempotency key it carried,
 * its parsed params, the answer's status, whether that answer was a replay, and the fault it met.
 */
import type { LoggedRequest } from "./control-schema.ts";

export interface RequestLogFilter {
  method?: string | null;
  path?: string | null;
  idempotency_key?: string | null;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];

  start(entry: Omit<LoggedRequest, "status" | "replayed" | "fault" | "received_at">): LoggedRequest {
    const logged: LoggedRequest = {
      ...entry,
      status: null,
      replayed: false,
      fault: null,
      received_at: new Date().toISOString(),
    };
    this.entries.push(logged);
    return logged;
  }

  list(filter: RequestLogFilter = {}): LoggedRequest[] {
    return this.entries.filter(
      (e) =>
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!filter.path ||
          e.path === filter.path ||
          (filter.path.endsWith("*") && e.path.startsWith(filter.path.slice(0, -1)))) &&
        (!filter.idempotency_key || e.idempotency_key === filter.idempotency_key),
    );
  }

  reset(): void {
    this.entries = [];
  }
}
