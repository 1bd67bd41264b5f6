-- Every periodic query and every page of the Orders view reads a bounded index range, however many orders the shop
-- has (measured on 1,000,000 orders and 5,000,000 keys: docs/big-shop-plans.md, made by perf/bigshop.sh).
--
-- The Orders view, newest first, a keyset page at a time: (created_at, id) is its order and its cursor; channel is a
-- key column too, so a channel filter is checked inside the index (a channel nobody paid with no longer reads every
-- order's row: ~126 ms at 1,000,000 orders instead of ~240).
CREATE INDEX ix_order_created ON customer_order (created_at, id, channel);
-- Order-number prefix search ("2612" = December 2026: order numbers start with their time): LIKE 'x%' can use only
-- a pattern-ops index under a collation other than C.
CREATE INDEX ix_order_no_prefix ON customer_order (order_no varchar_pattern_ops);

-- Indexes every status change paid for, narrowed to the rows they serve (a status change writes a new entry into every
-- index of customer_order, so these make room for the two above):
-- (status, created_at) of every order -> only orders not yet settled or refunded: expiry and compensation (unpaid),
-- open orders (invariants, gauges, restock), and the Orders view's rare statuses; DELIVERED and EXPIRED are most of
-- the table and are found through ix_order_created.
CREATE INDEX ix_order_unsettled ON customer_order (status, created_at) WHERE status NOT IN ('DELIVERED', 'EXPIRED');
DROP INDEX ix_order_status_created;
-- trade_close of every order -> the trades waiting to be closed (the only lookup).
CREATE INDEX ix_order_trade_to_close ON customer_order (id) WHERE trade_close = 'PENDING';
DROP INDEX ix_order_trade_close;
-- (client_address, status) of every order -> unpaid orders (the per-address reservation cap's only lookup).
CREATE INDEX ix_order_unpaid_address ON customer_order (client_address) WHERE status = 'PENDING_PAYMENT';
DROP INDEX ix_customer_order_client_address;
