-- The sandboxed runtime: per-call accounting of plugin invocations, and what the sandbox refused.

CREATE TABLE plugin_calls (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     TEXT NOT NULL,
  slug          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('hook', 'endpoint', 'webhook', 'lifecycle')),
  name          TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  duration_ms   REAL NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'timeout', 'limit')),
  error_code    TEXT,
  error_message TEXT
);
CREATE INDEX plugin_calls_recent ON plugin_calls(tenant_id, slug, started_at);

CREATE TABLE plugin_security_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  slug      TEXT NOT NULL,
  kind      TEXT NOT NULL,
  detail    TEXT NOT NULL,
  at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX plugin_security_events_recent ON plugin_security_events(tenant_id, slug, at);
