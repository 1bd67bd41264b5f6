-- The invariants rest on kamiflow's tables and Camunda's runtime, never its history (removed 180 days after an
-- instance ends), and each query looks at a bounded set of orders (OrderInvariants).
-- "Every payment has exactly one process instance": the instance is named in the payment's own transaction, and no two
-- payments may name the same one (was a query grouping every payment).
CREATE UNIQUE INDEX uq_payment_process_instance ON payment (process_instance_id);
-- Reconcile orders every 10 minutes: the orders changed or paid lately, found without reading the others.
CREATE INDEX ix_order_updated ON customer_order (updated_at);
CREATE INDEX ix_payment_received ON payment (received_at);
