-- Each run of "Forget personal data" looks for rows past their retention that still hold personal data, oldest
-- first. These partial indexes hold only such rows, so a run reads what it erases and not the years of rows it
-- erased before. (The embedded H2 default holds a dev shop's few rows: it needs none.)
CREATE INDEX ix_order_personal_data_kept ON customer_order (updated_at) WHERE personal_data_erased_at IS NULL;
-- unpaid orders go after days, not months: without their own index a run would read the months of paid ones between
CREATE INDEX ix_order_unpaid_data_kept ON customer_order (updated_at)
    WHERE personal_data_erased_at IS NULL AND status IN ('EXPIRED', 'CANCELLED');
CREATE INDEX ix_order_client_address_kept ON customer_order (updated_at) WHERE client_address IS NOT NULL;
CREATE INDEX ix_payment_raw_notice_kept ON payment (received_at) WHERE raw_notice IS NOT NULL;
CREATE INDEX ix_delivery_error_kept ON delivery_attempt (attempted_at) WHERE error IS NOT NULL;
CREATE INDEX ix_audit_detail_kept ON audit_event (occurred_at) WHERE detail IS NOT NULL;
-- "no refund still settling" is asked for every candidate order: the few such payments, not all of them
CREATE INDEX ix_payment_refund_open ON payment (order_no) WHERE refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING');
