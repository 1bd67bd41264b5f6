-- A payment is refunded at most once, whatever the number of requests, nodes or process instances: the refund is a
-- state of the payment row, moved only under that row's lock. REQUESTED: decided (an admin's request or support's
-- decision), the gateway not asked yet or its answer not recorded yet (a crash in between asks again with the same
-- request id). refund_request_id is the idempotency key every gateway call of this refund carries (Stripe
-- Idempotency-Key, Alipay out_request_no, WeChat out_refund_no); refund_instance_id is the payment-refund instance
-- that carries the refund (a second instance finds it and does nothing).
ALTER TABLE payment DROP CONSTRAINT ck_payment_refund_status;
ALTER TABLE payment ADD CONSTRAINT ck_payment_refund_status
    CHECK (refund_status IN ('REQUESTED', 'PROCESSING', 'SUCCEEDED', 'MANUAL_PENDING', 'MANUAL_DONE'));
ALTER TABLE payment ADD COLUMN refund_request_id VARCHAR(64);
ALTER TABLE payment ADD CONSTRAINT uq_payment_refund_request UNIQUE (refund_request_id);
ALTER TABLE payment ADD COLUMN refund_requested_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE payment ADD COLUMN refund_instance_id VARCHAR(64);
-- Refunds decided before kept the request id their channel derived from the payment id.
UPDATE payment SET refund_request_id = CONCAT('KF-REFUND-', CAST(id AS VARCHAR(20))) WHERE refund_status IS NOT NULL;
-- A refund decided has its request id; nothing else has one.
ALTER TABLE payment ADD CONSTRAINT ck_payment_refund_request
    CHECK ((refund_status IS NULL) = (refund_request_id IS NULL));
