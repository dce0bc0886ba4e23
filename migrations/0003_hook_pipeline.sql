-- The hook pipeline: which queue each outbox event goes to and the request that caused it,
-- the before-hook traces of requests, and the notification deliveries with every attempt.

ALTER TABLE outbox ADD COLUMN queue TEXT NOT NULL DEFAULT 'hook-events'
  CHECK (queue IN ('hook-events', 'analytics-events'));
ALTER TABLE outbox ADD COLUMN trace_id TEXT;
CREATE INDEX outbox_trace ON outbox(trace_id) WHERE trace_id IS NOT NULL;

-- One row per before-hook chain a request ran: the steps in the order they ran.
CREATE TABLE hook_traces (
  trace_id    TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  tenant_id   TEXT NOT NULL,
  hook        TEXT NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('completed', 'vetoed', 'aborted')),
  duration_ms REAL NOT NULL,
  steps       TEXT NOT NULL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (trace_id, seq)
);

-- One delivery per event and subscribing plugin (and hook): the unit that is retried, dead-lettered
-- and replayed. Its id is the idempotency key the plugin sees.
CREATE TABLE deliveries (
  id           TEXT PRIMARY KEY,
  event_id     TEXT NOT NULL,
  tenant_id    TEXT NOT NULL,
  plugin_slug  TEXT NOT NULL,
  hook         TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'succeeded', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
  -- attempts made before the last replay: a replayed delivery gets max_attempts more
  attempt_floor INTEGER NOT NULL DEFAULT 0,
  -- a running delivery whose lease passed was abandoned (its consumer crashed): it may be claimed again
  lease_until  TEXT,
  last_error   TEXT,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  completed_at TEXT
);
CREATE INDEX deliveries_event ON deliveries(event_id);
CREATE INDEX deliveries_tenant_status ON deliveries(tenant_id, status);

CREATE TABLE delivery_attempts (
  delivery_id TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  started_at  TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'timeout')),
  error       TEXT,
  PRIMARY KEY (delivery_id, attempt)
);

-- What the dead-letter consumers record: the message as it was, its attempts and its last error.
CREATE TABLE dead_letters (
  id          TEXT PRIMARY KEY,
  queue       TEXT NOT NULL,
  tenant_id   TEXT,
  delivery_id TEXT,
  event_id    TEXT,
  plugin_slug TEXT,
  hook        TEXT,
  body        TEXT NOT NULL,
  attempts    INTEGER NOT NULL,
  last_error  TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  replayed_at TEXT
);
CREATE INDEX dead_letters_open ON dead_letters(tenant_id, plugin_slug, hook) WHERE replayed_at IS NULL;

-- Category methods (processPayment, authenticate, trackEvent, ...) are accounted like any other
-- call; SQLite cannot change a CHECK in place, so plugin_calls is rebuilt with the new kind.
CREATE TABLE plugin_calls_v2 (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     TEXT NOT NULL,
  slug          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('hook', 'endpoint', 'webhook', 'lifecycle', 'method')),
  name          TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  duration_ms   REAL NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'timeout', 'limit')),
  error_code    TEXT,
  error_message TEXT
);
INSERT INTO plugin_calls_v2 SELECT * FROM plugin_calls;
DROP TABLE plugin_calls;
ALTER TABLE plugin_calls_v2 RENAME TO plugin_calls;
CREATE INDEX plugin_calls_recent ON plugin_calls(tenant_id, slug, started_at);
