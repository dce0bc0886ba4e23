/**
 * The tenant ledger's own migrations, applied in each tenant's object when it wakes on a version that
 * has new ones (migrate.ts). D1's migrations (migrations/) keep the global, read-mostly tables: the
 * tenant index, token digests, the plugin catalogue.
 *
 * 0001 is every tenant-scoped table as D1 had it after its migration 0012, without the foreign keys
 * to the global tables (a ledger holds one tenant; the catalogue is another database). A test keeps
 * the two in step for as long as D1 still has its copies (test/ledger/schema.test.ts).
 */
export interface LedgerMigration {
  id: string;
  sql: string;
}

export const LEDGER_MIGRATIONS: readonly LedgerMigration[] = [
  {
    id: "0001_tenant_tables",
    sql: `
CREATE TABLE commerce_guards (
  ok INTEGER NOT NULL CHECK (ok = 1)
);

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

CREATE TABLE delivery_attempts (
  delivery_id TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  started_at  TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'timeout')),
  error       TEXT,
  PRIMARY KEY (delivery_id, attempt)
);

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

CREATE TABLE installations (
  tenant_id     TEXT NOT NULL,
  slug          TEXT NOT NULL,
  version       TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('installed', 'active', 'inactive')),
  config        TEXT NOT NULL DEFAULT '{}',
  permissions   TEXT NOT NULL DEFAULT '{}',
  -- true when the plugin came in only as a dependency of another (like apt's "auto")
  as_dependency INTEGER NOT NULL DEFAULT 0,
  installed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (tenant_id, slug)
);

CREATE TABLE order_items (
  order_id   TEXT NOT NULL REFERENCES "orders"(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL CHECK (typeof(unit_price) = 'integer' AND unit_price >= 0), title TEXT, sku TEXT,
  PRIMARY KEY (order_id, position)
);

CREATE TABLE orders (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL,
  customer_id  TEXT,
  total        INTEGER NOT NULL CHECK (typeof(total) = 'integer' AND total >= 0),
  currency     TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'completed', 'cancelled')),
  metadata     TEXT NOT NULL DEFAULT '{}',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  completed_at TEXT
);

CREATE TABLE outbox (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL,
  hook        TEXT NOT NULL,
  plugin_slug TEXT,
  payload     TEXT NOT NULL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  sent_at     TEXT
, queue TEXT NOT NULL DEFAULT 'hook-events'
  CHECK (queue IN ('hook-events', 'analytics-events')), trace_id TEXT);

CREATE TABLE payment_operations (
  id              TEXT PRIMARY KEY,
  tenant_id       TEXT NOT NULL,
  payment_id      TEXT NOT NULL REFERENCES "payments"(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('capture', 'refund', 'cancel')),
  amount          INTEGER CHECK (amount IS NULL OR (typeof(amount) = 'integer' AND amount > 0)),
  idempotency_key TEXT NOT NULL,
  request_hash    TEXT NOT NULL DEFAULT '',
  -- requested: sent to the provider (or about to be), outcome unknown; succeeded / refused: its answer
  state           TEXT NOT NULL CHECK (state IN ('requested', 'succeeded', 'refused')),
  answer_status   INTEGER,
  answer_body     TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (tenant_id, kind, idempotency_key)
);

CREATE TABLE payments (
  id                 TEXT PRIMARY KEY,
  tenant_id          TEXT NOT NULL,
  order_id           TEXT,
  provider           TEXT NOT NULL,
  transaction_id     TEXT,
  amount             INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount >= 0),
  captured_amount    INTEGER NOT NULL DEFAULT 0 CHECK (captured_amount >= 0 AND captured_amount <= amount),
  refunded_amount    INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= captured_amount),
  currency           TEXT NOT NULL,
  method             TEXT,
  status             TEXT NOT NULL
                     CHECK (status IN ('pending', 'authorized', 'captured', 'refunded', 'failed', 'canceled')),
  next_action        TEXT CHECK (next_action IS NULL OR json_valid(next_action)),
  error_code         TEXT,
  error_message      TEXT,
  error_decline_code TEXT,
  idempotency_key    TEXT NOT NULL,
  -- SHA-256 (hex) of the canonical request body; '' for payments made before it was kept
  request_hash       TEXT NOT NULL DEFAULT '',
  answer_status      INTEGER,
  answer_body        TEXT,
  metadata           TEXT NOT NULL DEFAULT '{}',
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  UNIQUE (tenant_id, idempotency_key)
);

CREATE TABLE plugin_calls (
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

CREATE TABLE plugin_security_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  slug      TEXT NOT NULL,
  kind      TEXT NOT NULL,
  detail    TEXT NOT NULL,
  at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE products (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT,
  sku         TEXT,
  price       INTEGER NOT NULL CHECK (typeof(price) = 'integer' AND price >= 0),
  currency    TEXT NOT NULL,
  inventory   INTEGER CHECK (inventory IS NULL OR inventory >= 0),
  metadata    TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE sessions (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL,
  provider         TEXT NOT NULL,
  provider_user_id TEXT NOT NULL,
  user_id          TEXT,
  email            TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  expires_at       TEXT,
  revoked_at       TEXT
, trace_id TEXT);

CREATE TABLE transition_guards (
  ok INTEGER NOT NULL CHECK (ok = 1)
);

CREATE TABLE users (
  id         TEXT PRIMARY KEY,
  tenant_id  TEXT NOT NULL,
  email      TEXT NOT NULL,
  name       TEXT,
  metadata   TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, email)
);

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

CREATE TABLE webhook_endpoints (
  id                   TEXT PRIMARY KEY,
  tenant_id            TEXT NOT NULL,
  url                  TEXT NOT NULL,
  description          TEXT NOT NULL DEFAULT '',
  -- JSON array of event types: catalogue notification hooks, 'event:<name>', or "*"
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

CREATE TABLE webhook_guards (
  ok INTEGER NOT NULL CHECK (ok = 1)
);

CREATE INDEX dead_letters_open ON dead_letters(tenant_id, plugin_slug, hook) WHERE replayed_at IS NULL;

CREATE INDEX deliveries_event ON deliveries(event_id);

CREATE INDEX deliveries_tenant_status ON deliveries(tenant_id, status);

CREATE INDEX orders_tenant ON orders(tenant_id, created_at);

CREATE INDEX outbox_tenant_plugin ON outbox(tenant_id, plugin_slug, hook);

CREATE INDEX outbox_trace ON outbox(trace_id) WHERE trace_id IS NOT NULL;

CREATE INDEX outbox_unsent ON outbox(sent_at) WHERE sent_at IS NULL;

CREATE INDEX payment_operations_payment ON payment_operations(tenant_id, payment_id, kind);

CREATE INDEX payments_order ON payments(tenant_id, order_id);

CREATE UNIQUE INDEX payments_transaction ON payments(tenant_id, provider, transaction_id)
  WHERE transaction_id IS NOT NULL;

CREATE INDEX plugin_calls_recent ON plugin_calls(tenant_id, slug, started_at);

CREATE INDEX plugin_security_events_recent ON plugin_security_events(tenant_id, slug, at);

CREATE INDEX products_tenant_page ON products(tenant_id, created_at, id);

CREATE UNIQUE INDEX products_tenant_sku ON products(tenant_id, sku) WHERE sku IS NOT NULL;

CREATE INDEX sessions_tenant ON sessions(tenant_id, created_at);

CREATE INDEX sessions_trace ON sessions(tenant_id, provider, trace_id);

CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created_at);

CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event_id);

CREATE INDEX webhook_deliveries_replayable ON webhook_deliveries(endpoint_id, status, created_at)
  WHERE status IN ('failed', 'skipped');

CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints(tenant_id);
`,
  },
  {
    id: "0002_quotas",
    sql: `
-- Quotas on what one plugin may cost a tenant (api/src/sandbox/quotas.ts holds the set and its defaults).
-- The tenant's overrides: {"tenant": {...}, "plugins": {"<slug>": {...}}}, validated by quotaOverridesSchema.
CREATE TABLE tenant_quotas (
  tenant_id  TEXT PRIMARY KEY,
  overrides  TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One row per (call, quota) that a call went over: refused counts the operations refused or dropped
-- (events, requests, log lines), dropped_bytes the log bytes dropped.
CREATE TABLE plugin_quota_hits (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     TEXT NOT NULL,
  slug          TEXT NOT NULL,
  call_id       TEXT NOT NULL,
  quota         TEXT NOT NULL,
  at            TEXT NOT NULL,
  refused       INTEGER NOT NULL,
  dropped_bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE (call_id, quota)
);
CREATE INDEX plugin_quota_hits_recent ON plugin_quota_hits(tenant_id, slug, at);

-- The size of each storage object and cache value a plugin wrote, so a write is checked against
-- storage_bytes / cache_bytes with one indexed sum instead of listing R2 or KV.
CREATE TABLE plugin_stored_keys (
  tenant_id  TEXT NOT NULL,
  slug       TEXT NOT NULL,
  store      TEXT NOT NULL CHECK (store IN ('storage', 'cache')),
  key        TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  expires_at TEXT,
  PRIMARY KEY (tenant_id, slug, store, key)
);
`,
  },
  {
    id: "0003_generation",
    sql: `
-- A counter every change to the tenant's installations or webhook endpoints moves on (triggers, so no
-- code path can forget it): a Worker keeps what it read of them for as long as the counter it read
-- with is still the ledger's, and each batched program checks that in the same transaction as its
-- writes (ledger/view.ts). What it protects is exactness, not only speed: an event is never fanned
-- out against a plugin set older than the one committed before it.
CREATE TABLE ledger_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  INTEGER NOT NULL
);
INSERT INTO ledger_generation (id, n) VALUES (1, 0);
CREATE TRIGGER installations_insert_generation AFTER INSERT ON installations BEGIN UPDATE ledger_generation SET n = n + 1; END;
CREATE TRIGGER installations_update_generation AFTER UPDATE ON installations BEGIN UPDATE ledger_generation SET n = n + 1; END;
CREATE TRIGGER installations_delete_generation AFTER DELETE ON installations BEGIN UPDATE ledger_generation SET n = n + 1; END;
CREATE TRIGGER endpoints_insert_generation AFTER INSERT ON webhook_endpoints BEGIN UPDATE ledger_generation SET n = n + 1; END;
CREATE TRIGGER endpoints_update_generation AFTER UPDATE OF events, enabled ON webhook_endpoints BEGIN UPDATE ledger_generation SET n = n + 1; END;
CREATE TRIGGER endpoints_delete_generation AFTER DELETE ON webhook_endpoints BEGIN UPDATE ledger_generation SET n = n + 1; END;
CREATE TRIGGER quotas_insert_generation AFTER INSERT ON tenant_quotas BEGIN UPDATE ledger_generation SET n = n + 1; END;
CREATE TRIGGER quotas_update_generation AFTER UPDATE ON tenant_quotas BEGIN UPDATE ledger_generation SET n = n + 1; END;
`,
  },
  {
    id: "0004_retention_indexes",
    sql: `
-- What the retention sweep (ledger/retention.ts) reads: each expiring table by its age column, so a
-- chunk of the oldest rows is found without a scan. The idempotency tables' are partial: they hold only
-- the rows that may ever go (finished deliveries, sent events, succeeded webhook deliveries, replayed
-- dead letters), so the hot path's pending rows never enter them.
CREATE INDEX hook_traces_created ON hook_traces(created_at);
CREATE INDEX delivery_attempts_started ON delivery_attempts(started_at);
CREATE INDEX webhook_attempts_started ON webhook_attempts(started_at);
CREATE INDEX plugin_calls_started ON plugin_calls(started_at);
CREATE INDEX plugin_security_events_at ON plugin_security_events(at);
CREATE INDEX plugin_quota_hits_at ON plugin_quota_hits(at);
CREATE INDEX deliveries_finished ON deliveries(updated_at) WHERE status IN ('succeeded', 'dead');
CREATE INDEX outbox_sent ON outbox(sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX webhook_deliveries_succeeded ON webhook_deliveries(completed_at) WHERE status = 'succeeded';
CREATE INDEX dead_letters_delivery ON dead_letters(delivery_id) WHERE replayed_at IS NULL;
CREATE INDEX dead_letters_replayed ON dead_letters(replayed_at) WHERE replayed_at IS NOT NULL;
`,
  },
  {
    id: "0005_plugin_versions",
    sql: `
-- Which version of the plugin ran each attempt: a delivery queued before an upgrade runs on the version
-- active when it runs, and a retried one may run on two.
ALTER TABLE delivery_attempts ADD COLUMN plugin_version TEXT;

-- Every version change of an installation (lifecycle/upgrade.ts): what a rollback restores. The
-- configuration and permissions are as they were before the change (the configuration in its stored,
-- encrypted form); migrations are the ids the change applied to the plugin's database.
CREATE TABLE installation_changes (
  tenant_id          TEXT NOT NULL,
  slug               TEXT NOT NULL,
  seq                INTEGER NOT NULL,
  -- one upgrade moves a plugin and the dependencies it needs moved: its rows share this id, and a
  -- rollback undoes them together
  change_id          TEXT NOT NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('upgrade', 'rollback')),
  from_version       TEXT NOT NULL,
  to_version         TEXT NOT NULL,
  config_before      TEXT NOT NULL,
  permissions_before TEXT NOT NULL,
  migrations         TEXT NOT NULL DEFAULT '[]',
  at                 TEXT NOT NULL,
  -- set on an upgrade once a rollback undid it, so the next rollback goes one further back
  rolled_back_at     TEXT,
  PRIMARY KEY (tenant_id, slug, seq)
);
CREATE INDEX installation_changes_change ON installation_changes(change_id);
`,
  },
];
