package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The caps' counts in a flash sale: the statistics were taken when no order was unpaid (every order delivered), and
 * since then hundreds of buyers placed unpaid orders. Each count must still read only its own buyer's (or address's)
 * orders, not every unpaid one. Reproduced on a temporary copy of customer_order, with its indexes, that shadows the
 * real table for one transaction (the temporary schema is searched first); the count's own statement is explained.
 * Fails with the counts of V34's indexes: ix_order_unsettled, estimated at one row, read all 1,000 unpaid orders.
 */
class OpenReservationsPlanTest extends IntegrationTest {

    private static final int UNPAID = 1000;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void aCapCountReadsOneBuyersOrdersWhenTheStatisticsStillKnowNoUnpaidOrder() {
        transactions.executeWithoutResult(tx -> {
            jdbc.execute("CREATE TEMPORARY TABLE customer_order (LIKE public.customer_order INCLUDING ALL) ON COMMIT DROP");
            insertOrders("DELIVERED", "then");
            jdbc.execute("ANALYZE pg_temp.customer_order");
            insertOrders("PENDING_PAYMENT", "now");

            assertThat(blocksRead(OpenReservations.EMAIL, "b_email", "now-7@plan.test")).as("the email's count").isLessThan(10);
            assertThat(blocksRead(OpenReservations.ADDRESS, "a_address", "198.51.100.7")).as("the address's count").isLessThan(10);
        });
    }

    private void insertOrders(String status, String prefix) {
        jdbc.update("""
                INSERT INTO pg_temp.customer_order (id, order_no, product_id, quantity, amount_minor, currency, buyer_email,
                    access_token_hash, channel, status, client_address)
                SELECT g + ?, ? || g, 1, 1, 100, 'CNY', ? || '-' || g || '@plan.test', repeat('a', 64), 'sandbox', ?,
                    '198.51.100.' || g
                FROM generate_series(1, ?) g""", "now".equals(prefix) ? UNPAID : 0, prefix, prefix, status, UNPAID);
    }

    /** Blocks the count's statement touched, from EXPLAIN (ANALYZE, BUFFERS) with the value bound. */
    @SuppressWarnings("unchecked")
    private int blocksRead(String condition, String parameter, String value) {
        String plan = JdbcClient.create(jdbc).sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + OpenReservations.countOf(condition))
                .param(parameter, value).query(String.class).single();
        Map<String, Object> root = ((List<Map<String, Object>>) parse(plan)).get(0);
        Map<String, Object> top = (Map<String, Object>) root.get("Plan");
        return java.util.stream.Stream.of("Shared Hit Blocks", "Shared Read Blocks", "Local Hit Blocks", "Local Read Blocks")
                .mapToInt(blocks -> ((Number) top.get(blocks)).intValue()).sum(); // the copy is in local buffers
    }

    private static Object parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Object.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
