/**
 * The plugin's tables: one row per fact an event states, keyed by the event's id (or the order's,
 * which one event creates), so a redelivered event inserts nothing. Times are epoch milliseconds
 * (UTC); buckets in the store's time zone are ranges over them. Each index leads with the time and
 * covers what the metrics read, so a year of a busy store is read by range scans only.
 */
export const FACTS_SCHEMA = `
CREATE TABLE orders (
  id          TEXT PRIMARY KEY,
  event_id    TEXT NOT NULL,
  at          INTEGER NOT NULL,
  currency    TEXT NOT NULL,
  total       INTEGER NOT NULL,
  customer_id TEXT
);
CREATE INDEX orders_by_time ON orders (at, currency, total, customer_id);
CREATE INDEX orders_by_customer ON orders (customer_id, at);

CREATE TABLE order_lines (
  order_id   TEXT NOT NULL,
  position   INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  currency   TEXT NOT NULL,
  product_id TEXT NOT NULL,
  quantity   INTEGER NOT NULL,
  amount     INTEGER NOT NULL,
  PRIMARY KEY (order_id, position)
);
CREATE INDEX order_lines_by_time ON order_lines (at, product_id, currency, quantity, amount);

CREATE TABLE money (
  event_id   TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('captured', 'refunded')),
  at         INTEGER NOT NULL,
  currency   TEXT NOT NULL,
  amount     INTEGER NOT NULL,
  payment_id TEXT
);
CREATE INDEX money_by_time ON money (at, kind, currency, amount);

CREATE TABLE storefront (
  event_id TEXT PRIMARY KEY,
  step     TEXT NOT NULL CHECK (step IN ('viewed', 'checkout', 'completed')),
  at       INTEGER NOT NULL,
  visitor  TEXT NOT NULL
);
CREATE INDEX storefront_by_step ON storefront (step, at, visitor);

CREATE TABLE products (
  id    TEXT PRIMARY KEY,
  title TEXT NOT NULL
);
`;
