package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamiflow.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The caps' counts are planned for the email or address they count, every time: a connection never keeps them as
 * server-prepared statements, whose generic plan PostgreSQL may switch to after five runs. That plan found a buyer's
 * unpaid orders by scanning every unpaid order (ix_order_unsettled, the email a filter): 124 blocks a checkout in a
 * bench of 1,000 orders instead of 2 (perf/pg-statements.sh with auto_explain), and growing with a flash sale's
 * unpaid orders.
 */
class OpenReservationsPlanTest extends IntegrationTest {

    @Autowired
    OpenReservations reservations;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void theCapCountsAreNeverServerPreparedSoEachIsPlannedForItsOwnKey() {
        int prepared = transactions.execute(tx -> { // one transaction: one connection, whose prepared statements these are
            for (int i = 0; i < 12; i++) {
                assertThat(reservations.held("lower(o.buyer_email) = ?", "plan" + i + "@example.test").count()).isZero();
                assertThat(reservations.held("o.client_address = ?", "203.0.113." + i).count()).isZero();
            }
            return jdbc.queryForObject("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FILTER (WHERE k.status%'",
                    Integer.class);
        });
        assertThat(prepared).as("cap counts server-prepared on this connection").isZero();
    }
}
