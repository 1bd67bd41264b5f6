-- Each order's INSERT and each change of its status (never a HOT update: status and updated_at are indexed) writes an
-- entry into every index of customer_order whose predicate the new row matches, and each change of a key's status one
-- into every index of card_key. These are the indexes no statement needed, or that two others can do the work of
-- (perf/bigshop-plans.sh on 1,000,000 orders: no plan got worse; perf/pg-statements.sh: fewer index entries per order).
-- The embedded H2 default keeps its indexes: it has no partial ones, and a dev shop's few rows need nothing here.

-- (status, reserved_until) of every key: no statement looks keys up by status alone or by reserved_until (expiry and
-- the checkout caps find reserved keys by their order, ix_card_key_order), yet every key's every change wrote it.
DROP INDEX IF EXISTS ix_card_key_reserved;

-- ix_order_email_lower and ix_order_unpaid_email (V34) both stay: one index (lower(buyer_email), status) for the Orders
-- view's search and the per-buyer cap lost the cap to ix_order_unsettled in a flash sale (perf/pg-statements.sh:
-- 1,095 blocks and 0.9 ms a checkout instead of 11 blocks and 0.04 ms), as V34 describes.

-- "Forget personal data" read orders still holding personal data through ix_order_personal_data_kept (V16_1), which
-- every version of every order entered. Orders with a client address are in ix_order_client_address_kept already;
-- this one holds the others, mostly orders whose address went after 30 days, entered once (then, by that job). The
-- statements that want them all (PersonalDataRetention.eraseOrders, OrderInvariants's changed orders) read both.
CREATE INDEX IF NOT EXISTS ix_order_data_kept_no_address ON customer_order (updated_at)
    WHERE personal_data_erased_at IS NULL AND client_address IS NULL;
DROP INDEX IF EXISTS ix_order_personal_data_kept;
