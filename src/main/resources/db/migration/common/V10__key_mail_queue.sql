-- Key mails the paying callback queued with its claim: the node that took the payment sends each right after that
-- commit. A row outlives its send only when that node stopped or crashed first; once its lease has passed, any
-- node hands it to order-fulfillment (Send keys, with its retries), so no paid order's mail is lost.
CREATE TABLE key_mail_queue (
    order_id    BIGINT PRIMARY KEY REFERENCES customer_order (id),
    owner       VARCHAR(255) NOT NULL,
    lease_until TIMESTAMP WITH TIME ZONE NOT NULL,
    queued_at   TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX key_mail_queue_lease ON key_mail_queue (lease_until);
