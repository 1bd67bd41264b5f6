-- The gateway's own id of the notice that recorded the payment (Stripe event id, Alipay notify_id, ...),
-- kept for audit and for matching support questions against the gateway's dashboard.
ALTER TABLE payment ADD COLUMN event_id VARCHAR(128);
