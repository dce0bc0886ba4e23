-- The commerce API: each tenant's products, orders, payments, customers (users) and sign-in
-- sessions. Every row belongs to one tenant and every query is scoped by tenant_id. Amounts were
-- major units (dollars) here; 0007_money_minor_units.sql makes them integers in the currency's
-- minor units (cents, yen, fils), as the API and hook payloads now carry them.

CREATE TABLE products (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  title       TEXT NOT NULL,
  description TEXT,
  sku         TEXT,
  price       REAL NOT NULL CHECK (price >= 0),
  currency    TEXT NOT NULL,
  inventory   INTEGER CHECK (inventory IS NULL OR inventory >= 0),
  metadata    TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
-- the list pages through (created_at, id); a SKU names one product per store
CREATE INDEX products_tenant_page ON products(tenant_id, created_at, id);
CREATE UNIQUE INDEX products_tenant_sku ON products(tenant_id, sku) WHERE sku IS NOT NULL;

CREATE TABLE orders (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  customer_id  TEXT,
  total        REAL NOT NULL CHECK (total >= 0),
  currency     TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'completed', 'cancelled')),
  metadata     TEXT NOT NULL DEFAULT '{}',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX orders_tenant ON orders(tenant_id, created_at);

-- the price an order was placed at stays with the order when the product's price changes
CREATE TABLE order_items (
  order_id   TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  unit_price REAL NOT NULL CHECK (unit_price >= 0),
  PRIMARY KEY (order_id, position)
);

-- One row per payment attempt through a payment plugin (`provider`), failed ones included: a
-- repeated request with the same idempotency key answers from this row instead of charging again.
CREATE TABLE payments (
  id              TEXT PRIMARY KEY,
  tenant_id       TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  order_id        TEXT,
  provider        TEXT NOT NULL,
  transaction_id  TEXT,
  amount          REAL NOT NULL CHECK (amount >= 0),
  refunded_amount REAL NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
  currency        TEXT NOT NULL,
  method          TEXT,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'authorized', 'captured', 'failed', 'refunded')),
  idempotency_key TEXT NOT NULL,
  error_code      TEXT,
  error_message   TEXT,
  metadata        TEXT NOT NULL DEFAULT '{}',
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX payments_order ON payments(tenant_id, order_id);

-- Each refund the provider accepted, keyed like payments: a repeated refund request answers from
-- here instead of refunding (and counting) twice.
CREATE TABLE payment_refunds (
  id              TEXT PRIMARY KEY,
  tenant_id       TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  payment_id      TEXT NOT NULL REFERENCES payments(id) ON DELETE CASCADE,
  amount          REAL NOT NULL CHECK (amount > 0),
  idempotency_key TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  UNIQUE (tenant_id, idempotency_key)
);

CREATE TABLE users (
  id         TEXT PRIMARY KEY,
  tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email      TEXT NOT NULL,
  name       TEXT,
  metadata   TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  UNIQUE (tenant_id, email)
);

-- A sign-in through an auth plugin (`provider`). user_id links the store's user with the same
-- email, when there is one; the provider's tokens are the client's and are not kept here.
CREATE TABLE sessions (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  provider         TEXT NOT NULL,
  provider_user_id TEXT NOT NULL,
  user_id          TEXT,
  email            TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  expires_at       TEXT,
  revoked_at       TEXT
);
CREATE INDEX sessions_tenant ON sessions(tenant_id, created_at);

-- Optimistic concurrency, as transition_guards does for plugin transitions: a batch whose change
-- depends on state read earlier first inserts whether that state still holds; a 0 fails the
-- CHECK and rolls the whole batch (and its outbox events) back. The batch deletes its rows.
CREATE TABLE commerce_guards (
  ok INTEGER NOT NULL CHECK (ok = 1)
);
