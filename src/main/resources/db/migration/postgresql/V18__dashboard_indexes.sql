-- The back office dashboard counts what happened in a period: paid orders, keys sold, refunds. Partial indexes hold
-- only the rows that ever qualify (a pending order has no paid_at, an unsold key no sold_at).
CREATE INDEX ix_order_paid_at ON customer_order (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX ix_card_key_sold_at ON card_key (sold_at) WHERE sold_at IS NOT NULL;
CREATE INDEX ix_payment_refunded_at ON payment (refunded_at) WHERE refunded_at IS NOT NULL;
