-- Outbound webhooks: the endpoints tenants register, one delivery per event and endpoint, and every
-- attempt of each delivery. Owned by api/src/webhooks/; other modules go through its functions.

CREATE TABLE webhook_endpoints (
  id                   TEXT PRIMARY KEY,
  tenant_id            TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  url                  TEXT NOT NULL,
  description          TEXT NOT NULL DEFAULT '',
  -- JSON array of event types: catalogue notification hooks, `event:<name>`, or "*"
  events               TEXT NOT NULL,
  enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  disabled_reason      TEXT CHECK (disabled_reason IN ('manual', 'failing')),
  disabled_at          TEXT,
  -- AES-GCM envelopes (api/src/config/crypto.ts); the clear secret is shown at creation and rotation only
  secret               TEXT NOT NULL,
  -- the secret a rotation replaced, still signing deliveries until previous_secret_until
  previous_secret      TEXT,
  previous_secret_until TEXT,
  -- exhausted deliveries since the last successful one: the disable rule counts these
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints(tenant_id);

-- One delivery per event and endpoint. Its id is derived from both (so a re-delivered event inserts
-- nothing new) and is the webhook-id header, stable across retries and replays.
CREATE TABLE webhook_deliveries (
  id              TEXT PRIMARY KEY,
  tenant_id       TEXT NOT NULL,
  endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  -- the exact JSON body sent, {type, timestamp, data}: what is signed, and what a replay sends again
  body            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'skipped')),
  -- attempts of the current run; a replay starts a new run on the full schedule
  run_attempts    INTEGER NOT NULL DEFAULT 0,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  -- an attempt in flight holds the lease, so a duplicated queue message never posts concurrently
  lease_until     TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  completed_at    TEXT
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event_id);
CREATE INDEX webhook_deliveries_replayable ON webhook_deliveries(endpoint_id, status, created_at)
  WHERE status IN ('failed', 'skipped');

CREATE TABLE webhook_attempts (
  delivery_id      TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt          INTEGER NOT NULL,
  started_at       TEXT NOT NULL,
  duration_ms      REAL NOT NULL,
  outcome          TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'timeout')),
  status_code      INTEGER,
  -- the first KiB of the response body, as text
  response_excerpt TEXT,
  error            TEXT,
  PRIMARY KEY (delivery_id, attempt)
);

-- Optimistic guard for the disable transition, as transition_guards is for plugin transitions: the batch
-- that disables a failing endpoint and writes its system event first inserts 1 while the endpoint is still
-- enabled, else 0, which the CHECK rejects, so only one consumer disables it and only one event is written.
CREATE TABLE webhook_guards (
  ok INTEGER NOT NULL CHECK (ok = 1)
);
