-- The caps on open reservations count a buyer's (or an address's) unpaid orders at every checkout. With V34's
-- predicate "status = 'PENDING_PAYMENT'" every index of unpaid orders qualified for that count, and in a flash sale,
-- whose statistics still know no unpaid order (taken when every order was delivered), the planner estimated
-- ix_order_unsettled at one row and read all unpaid orders through it to find one buyer's (perf/pg-statements.sh with
-- auto_explain: 125 blocks and up to 8 ms a checkout at 1,000 unpaid orders, growing with them; custom and generic
-- plans alike). These two have a predicate that only the count states, "(status = 'PENDING_PAYMENT') IS TRUE"
-- (OpenReservations.countOf), which no other index of customer_order can be proven to cover: the count reads its own
-- key's unpaid orders whatever the statistics say (OpenReservationsPlanTest). They replace V34's, which only that
-- count read. During a rolling upgrade the older nodes' counts read the other indexes, as before V34.
CREATE INDEX ix_order_reserving_email ON customer_order (lower(buyer_email))
    WHERE (status = 'PENDING_PAYMENT') IS TRUE;
CREATE INDEX ix_order_reserving_address ON customer_order (client_address)
    WHERE (status = 'PENDING_PAYMENT') IS TRUE AND client_address IS NOT NULL;
DROP INDEX IF EXISTS ix_order_unpaid_email;
DROP INDEX IF EXISTS ix_order_unpaid_address;
