-- Where a payment's refund stands. refunded_at keeps meaning "money confirmed returned"; until then the
-- refund is PROCESSING (the gateway accepted it and settles it later) or MANUAL_PENDING (support returns it
-- by hand through a Tasklist task); SUCCEEDED and MANUAL_DONE say who confirmed it. refund_reference is the
-- gateway's refund id, or the reference support entered for a transfer by hand.
ALTER TABLE payment ADD COLUMN refund_status VARCHAR(16);
ALTER TABLE payment ADD CONSTRAINT ck_payment_refund_status
    CHECK (refund_status IN ('PROCESSING', 'SUCCEEDED', 'MANUAL_PENDING', 'MANUAL_DONE'));
-- Refunds recorded before: the gateway's ones succeeded; the old 'manual' ones were recorded as returned by
-- hand together with an audit note (the money went back outside kamiflow).
UPDATE payment SET refund_status = CASE WHEN refund_reference = 'manual' THEN 'MANUAL_DONE' ELSE 'SUCCEEDED' END
    WHERE refunded_at IS NOT NULL;
