-- The back office dashboard's period counts (PostgreSQL has these as partial indexes).
CREATE INDEX ix_order_paid_at ON customer_order (paid_at);
CREATE INDEX ix_card_key_sold_at ON card_key (sold_at);
CREATE INDEX ix_payment_refunded_at ON payment (refunded_at);
