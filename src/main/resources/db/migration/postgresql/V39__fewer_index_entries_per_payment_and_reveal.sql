-- Index entries every paid order writes and no statement reads (issue 23: PostgreSQL's work per order).
--
-- key_reveal had three indexes for one row per revealed key: the surrogate id's primary key (no statement looks a reveal
-- up by id, nothing references it), uq_key_reveal (key_id, order_id, channel) and ix_key_reveal_order (order_id). One
-- primary key (order_id, key_id, channel) does all of it: the same uniqueness, the arbiter of every
-- "ON CONFLICT (key_id, order_id, channel)" (PostgreSQL infers it from the set of columns, in any order: older nodes
-- in a roll keep working), and order_id first serves the reads by order (the order's timeline, the invariants' join,
-- the count per channel) as ix_key_reveal_order did. Two entries fewer per revealed key. The id column stays (old
-- nodes insert without it; its identity still fills it).
ALTER TABLE key_reveal DROP CONSTRAINT key_reveal_pkey;
ALTER TABLE key_reveal DROP CONSTRAINT uq_key_reveal;
ALTER TABLE key_reveal ADD CONSTRAINT pk_key_reveal PRIMARY KEY (order_id, key_id, channel);
DROP INDEX ix_key_reveal_order;

-- A payment's refund request id is unique once set (V11), and NULL until a refund is asked for, which most payments
-- never are: the unique constraint's index held an entry for every payment's NULL. A partial unique index holds only
-- the set ones, with the same guarantee (NULLs never conflicted). No statement looks a payment up by it.
ALTER TABLE payment DROP CONSTRAINT uq_payment_refund_request;
CREATE UNIQUE INDEX uq_payment_refund_request ON payment (refund_request_id) WHERE refund_request_id IS NOT NULL;
