-- Canary rollouts (api/src/rollouts): which tenants run which version of a plugin, and the rollouts
-- that move a share of them to a new version first.

-- An index of every tenant's installations, kept in D1 so one query answers "who runs versioned@1.1.0"
-- without calling every tenant's ledger. The ledger is the truth: each lifecycle transition re-writes
-- the rows of the plugins it touched right after its ledger batch commits, so a row lags only by a
-- write that failed, until the tenant's next transition of that plugin or a reindex
-- (POST /api/admin/plugins/:slug/versions/reindex) re-reads the ledgers.
CREATE TABLE tenant_plugins (
  tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  slug       TEXT NOT NULL,
  version    TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('installed', 'active', 'inactive')),
  -- the installation's own updated_at, from the ledger
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, slug)
);
CREATE INDEX tenant_plugins_version ON tenant_plugins(slug, version);

-- A rollout of one version of a plugin to a share of the tenants that have it (or to named tenants).
-- `share` only grows (widen); a rollout is finished at 100 and stopped when its tenants were rolled back.
CREATE TABLE rollouts (
  id          TEXT PRIMARY KEY,
  slug        TEXT NOT NULL,
  version     TEXT NOT NULL,
  share       INTEGER NOT NULL CHECK (share BETWEEN 0 AND 100),
  state       TEXT NOT NULL CHECK (state IN ('open', 'finished', 'stopped')),
  -- the tenant whose publish-scoped token started it
  started_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  finished_at TEXT,
  stopped_at  TEXT
);
-- one open rollout per plugin: a second one is refused (409 ROLLOUT_IN_PROGRESS), even when two race
CREATE UNIQUE INDEX rollouts_open_slug ON rollouts(slug) WHERE state = 'open';
CREATE INDEX rollouts_slug ON rollouts(slug, created_at);

-- Each tenant a rollout took, and what became of it. A row is claimed ('pending') before the tenant's
-- upgrade starts, so two widenings never upgrade one tenant twice, and an interrupted one is seen.
CREATE TABLE rollout_tenants (
  rollout_id     TEXT NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
  tenant_id      TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  picked         TEXT NOT NULL CHECK (picked IN ('share', 'named')),
  -- the stable hash the share is taken by (lowest first), hex
  rank           TEXT NOT NULL,
  from_version   TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'upgraded', 'blocked', 'failed', 'skipped', 'rolled_back')),
  -- why it is blocked, failed or skipped, or why stopping left it upgraded: an error code and its message
  reason_code    TEXT,
  reason         TEXT,
  upgraded_at    TEXT,
  rolled_back_at TEXT,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (rollout_id, tenant_id)
);
