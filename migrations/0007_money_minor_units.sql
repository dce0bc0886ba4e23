-- Money in integer minor units, and a payment's whole state machine.
--
-- Every amount of the commerce API (products.price, orders.total, order_items.unit_price, the
-- payments' amounts) becomes an INTEGER count of the currency's smallest unit (ISO 4217
-- exponent): 1250 is 12.50 USD, 500 is 500 JPY, 1250 is 1.250 KWD. Floats drift, and a
-- major-unit amount handed to a provider that counts in minor units charges 100 times too much
-- (or, in JPY, too little). Existing rows were major units: each is multiplied by 10^exponent of
-- its currency (0 for the zero-decimal currencies, 3 for the three-decimal ones, 4 for CLF and
-- UYW, 2 otherwise) and rounded.
--
-- Payments gain captured_amount (a capture may take less than was authorized), next_action (what
-- the storefront needs to continue a 3-D Secure payment), the decline code, the canceled status,
-- and what idempotent replays need: the SHA-256 of the request body and the answer given. Refunds
-- become payment_operations, which also keep captures and cancellations under their keys.
--
-- SQLite cannot change a column's type: each table is rebuilt. A child's rows are moved before
-- its parent is dropped, because dropping a parent runs its ON DELETE CASCADE.

CREATE TABLE products_v7 (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
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
INSERT INTO products_v7
SELECT id, tenant_id, title, description, sku,
       CAST(ROUND(price * CASE
         WHEN currency IN ('BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF','UGX','UYI','VND','VUV','XAF','XOF','XPF') THEN 1
         WHEN currency IN ('BHD','IQD','JOD','KWD','LYD','OMR','TND') THEN 1000
         WHEN currency IN ('CLF','UYW') THEN 10000
         ELSE 100 END) AS INTEGER),
       currency, inventory, metadata, created_at, updated_at
  FROM products;
DROP TABLE products;
ALTER TABLE products_v7 RENAME TO products;
CREATE INDEX products_tenant_page ON products(tenant_id, created_at, id);
CREATE UNIQUE INDEX products_tenant_sku ON products(tenant_id, sku) WHERE sku IS NOT NULL;

CREATE TABLE orders_v7 (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  customer_id  TEXT,
  total        INTEGER NOT NULL CHECK (typeof(total) = 'integer' AND total >= 0),
  currency     TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'completed', 'cancelled')),
  metadata     TEXT NOT NULL DEFAULT '{}',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  completed_at TEXT
);
INSERT INTO orders_v7
SELECT id, tenant_id, customer_id,
       CAST(ROUND(total * CASE
         WHEN currency IN ('BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF','UGX','UYI','VND','VUV','XAF','XOF','XPF') THEN 1
         WHEN currency IN ('BHD','IQD','JOD','KWD','LYD','OMR','TND') THEN 1000
         WHEN currency IN ('CLF','UYW') THEN 10000
         ELSE 100 END) AS INTEGER),
       currency, status, metadata, created_at, updated_at, completed_at
  FROM orders;

-- the price an order was placed at stays with the order when the product's price changes
CREATE TABLE order_items_v7 (
  order_id   TEXT NOT NULL REFERENCES orders_v7(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL CHECK (typeof(unit_price) = 'integer' AND unit_price >= 0),
  PRIMARY KEY (order_id, position)
);
INSERT INTO order_items_v7
SELECT i.order_id, i.position, i.product_id, i.quantity,
       CAST(ROUND(i.unit_price * CASE
         WHEN o.currency IN ('BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF','UGX','UYI','VND','VUV','XAF','XOF','XPF') THEN 1
         WHEN o.currency IN ('BHD','IQD','JOD','KWD','LYD','OMR','TND') THEN 1000
         WHEN o.currency IN ('CLF','UYW') THEN 10000
         ELSE 100 END) AS INTEGER)
  FROM order_items i JOIN orders o ON o.id = i.order_id;
DROP TABLE order_items;
DROP TABLE orders;
-- renaming rewrites order_items_v7's REFERENCES to the new name
ALTER TABLE orders_v7 RENAME TO orders;
ALTER TABLE order_items_v7 RENAME TO order_items;
CREATE INDEX orders_tenant ON orders(tenant_id, created_at);

-- One row per payment through a payment plugin (`provider`), failed ones included. The row is
-- written (pending) before the plugin is called, so the provider's webhook always finds it by
-- id; every later change goes through one compare-and-set writer (api/src/commerce/payment-state.ts).
-- A repeated request with the same idempotency key and body replays answer_status/answer_body.
CREATE TABLE payments_v7 (
  id                 TEXT PRIMARY KEY,
  tenant_id          TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
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
INSERT INTO payments_v7 (id, tenant_id, order_id, provider, transaction_id, amount, captured_amount, refunded_amount,
                         currency, method, status, error_code, error_message, idempotency_key, metadata, created_at,
                         updated_at)
SELECT id, tenant_id, order_id, provider, transaction_id, minor_amount,
       CASE WHEN status IN ('captured', 'refunded') THEN minor_amount ELSE 0 END,
       CASE WHEN status IN ('captured', 'refunded') THEN MIN(minor_refunded, minor_amount) ELSE 0 END,
       currency, method, status, error_code, error_message, idempotency_key, metadata, created_at, updated_at
  FROM (SELECT *,
               CAST(ROUND(amount * factor) AS INTEGER) AS minor_amount,
               CAST(ROUND(refunded_amount * factor) AS INTEGER) AS minor_refunded
          FROM (SELECT *, CASE
                  WHEN currency IN ('BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF','UGX','UYI','VND','VUV','XAF','XOF','XPF') THEN 1
                  WHEN currency IN ('BHD','IQD','JOD','KWD','LYD','OMR','TND') THEN 1000
                  WHEN currency IN ('CLF','UYW') THEN 10000
                  ELSE 100 END AS factor
                  FROM payments));

-- Each capture, refund and cancellation asked of a payment's provider, under its idempotency key
-- (scoped to the payment): a repeated request with the same key and body replays the answer, one
-- with another body is refused, and a refund counts once whatever the retries.
CREATE TABLE payment_operations (
  id              TEXT PRIMARY KEY,
  tenant_id       TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  payment_id      TEXT NOT NULL REFERENCES payments_v7(id) ON DELETE CASCADE,
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
INSERT INTO payment_operations (id, tenant_id, payment_id, kind, amount, idempotency_key, state, created_at, updated_at)
SELECT r.id, r.tenant_id, r.payment_id, 'refund',
       CAST(ROUND(r.amount * CASE
         WHEN p.currency IN ('BIF','CLP','DJF','GNF','ISK','JPY','KMF','KRW','PYG','RWF','UGX','UYI','VND','VUV','XAF','XOF','XPF') THEN 1
         WHEN p.currency IN ('BHD','IQD','JOD','KWD','LYD','OMR','TND') THEN 1000
         WHEN p.currency IN ('CLF','UYW') THEN 10000
         ELSE 100 END) AS INTEGER),
       r.idempotency_key, 'succeeded', r.created_at, r.created_at
  FROM payment_refunds r JOIN payments p ON p.id = r.payment_id;
DROP TABLE payment_refunds;
DROP TABLE payments;
ALTER TABLE payments_v7 RENAME TO payments;
CREATE INDEX payments_order ON payments(tenant_id, order_id);
-- a provider's transaction is one payment: webhooks and retrieves find it by this
CREATE UNIQUE INDEX payments_transaction ON payments(tenant_id, provider, transaction_id)
  WHERE transaction_id IS NOT NULL;
CREATE INDEX payment_operations_payment ON payment_operations(tenant_id, payment_id, kind);
