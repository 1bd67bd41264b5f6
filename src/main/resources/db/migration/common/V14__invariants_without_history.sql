-- The invariants rest on kamiflow's tables and Camunda's runtime, never its history (removed 180 days after an
-- instance ends), and each query looks at a bounded set of orders (OrderInvariants). Reconcile orders (every 10
-- minutes) finds the orders a payment came for lately without reading the others.
CREATE INDEX ix_payment_received ON payment (received_at);
