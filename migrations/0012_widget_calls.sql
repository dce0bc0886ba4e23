-- A widget or settings component drawn or acted on in the plugin's isolate (GET /api/admin/dashboards/:dashboard,
-- the widget action route) is counted in the plugin's accounting as a call of kind 'widget', apart from its API
-- endpoints; SQLite cannot change a CHECK in place, so plugin_calls is rebuilt with the new kind.
CREATE TABLE plugin_calls_v5 (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     TEXT NOT NULL,
  slug          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('hook', 'endpoint', 'webhook', 'lifecycle', 'method', 'service', 'socket', 'widget')),
  name          TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  duration_ms   REAL NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'timeout', 'limit')),
  error_code    TEXT,
  error_message TEXT
);
INSERT INTO plugin_calls_v5 SELECT * FROM plugin_calls;
DROP TABLE plugin_calls;
ALTER TABLE plugin_calls_v5 RENAME TO plugin_calls;
CREATE INDEX plugin_calls_recent ON plugin_calls(tenant_id, slug, started_at);
