-- As postgresql/V14_1 where H2 can: H2 has neither partial nor pattern-ops indexes, so it keeps its other indexes and
-- adds the Orders view's order.
CREATE INDEX ix_order_created ON customer_order (created_at, id, channel);
