-- Checkout counts a buyer's unpaid orders holding reserved keys (the per-buyer reservation cap). In a flash sale the
-- statistics still say unpaid orders are few, and the planner, generic plan or not, scanned every unpaid order
-- through ix_order_unpaid_address and filtered on the email (perf/pg-statements.sh with auto_explain: 943 of 1000
-- checkouts, 27 blocks and 0.26 ms each, the costliest statement of an order). Two partial indexes with the same
-- predicate pass for each other; each predicate now names its own column, so only the email query can use the email
-- index and only the address query the address index.
CREATE INDEX ix_order_unpaid_email ON customer_order (lower(buyer_email))
    WHERE status = 'PENDING_PAYMENT' AND buyer_email IS NOT NULL;
DROP INDEX ix_order_unpaid_address;
CREATE INDEX ix_order_unpaid_address ON customer_order (client_address)
    WHERE status = 'PENDING_PAYMENT' AND client_address IS NOT NULL;
