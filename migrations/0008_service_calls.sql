-- A dependent's call of a plugin's service (context.plugins["core-utils"].formatMoney) is accounted
-- like any other call, against the plugin that serves it; SQLite cannot change a CHECK in place, so
-- plugin_calls is rebuilt with the new kind.
CREATE TABLE plugin_calls_v3 (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     TEXT NOT NULL,
  slug          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('hook', 'endpoint', 'webhook', 'lifecycle', 'method', 'service')),
  name          TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  duration_ms   REAL NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'timeout', 'limit')),
  error_code    TEXT,
  error_message TEXT
);
INSERT INTO plugin_calls_v3 SELECT * FROM plugin_calls;
DROP TABLE plugin_calls;
ALTER TABLE plugin_calls_v3 RENAME TO plugin_calls;
CREATE INDEX plugin_calls_recent ON plugin_calls(tenant_id, slug, started_at);
