-- Closing an expired order's trade at its gateway (order-expiry -> "Close trade at gateway").
-- gateway_reference: what checkout got back that a close needs (the Stripe Checkout Session id).
-- trade_close: NULL nothing to do; PENDING expired, to be closed; CLOSING a close job owns it;
-- CLOSED closed (or nothing left open); PAID the gateway says paid: the callback or compensation brings it in.
ALTER TABLE customer_order ADD COLUMN gateway_reference VARCHAR(128);
ALTER TABLE customer_order ADD COLUMN trade_close VARCHAR(16);
ALTER TABLE customer_order ADD CONSTRAINT ck_order_trade_close
    CHECK (trade_close IS NULL OR trade_close IN ('PENDING', 'CLOSING', 'CLOSED', 'PAID'));
CREATE INDEX ix_order_trade_close ON customer_order (trade_close);

-- The sandbox gateway's closed trades: a closed order can no longer be paid there.
CREATE TABLE sandbox_closed_order (
    order_no  VARCHAR(32) PRIMARY KEY,
    closed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
