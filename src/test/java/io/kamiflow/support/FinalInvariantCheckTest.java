package io.kamiflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The invariants end every integration test, whatever the test did before: a check in the middle of a test does not
 * stand for the one at its end. Proven by running a test that breaks the promise after checking it, and reading how
 * JUnit ended it.
 */
class FinalInvariantCheckTest extends IntegrationTest {

    private static final String RUN_BREAKER = "kamiflow.test.run-promise-breaker";

    @Test
    void aTestThatCheckedTheInvariantsMidwayAndThenBrokeThemFails() {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        System.setProperty(RUN_BREAKER, "true");
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(BreaksThePromiseAfterCheckingIt.class)).build(), listener);
        } finally {
            System.clearProperty(RUN_BREAKER);
        }
        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsStartedCount()).isEqualTo(1);
        assertThat(summary.getFailures()).as("the breaker's failures").singleElement()
                .extracting(failure -> failure.getException().getMessage()).asString()
                .contains("order invariants").contains("a paid order has no running order-fulfillment instance")
                .contains(BreaksThePromiseAfterCheckingIt.ORDER_NO);

        jdbc.update("UPDATE customer_order SET status = 'CANCELLED' WHERE order_no = ?", BreaksThePromiseAfterCheckingIt.ORDER_NO);
    }

    /** Run only by the test above (surefire leaves nested classes alone, and the property is off otherwise). */
    @EnabledIfSystemProperty(named = RUN_BREAKER, matches = "true")
    static class BreaksThePromiseAfterCheckingIt extends IntegrationTest {

        static final String ORDER_NO = "BREAKER-1";

        @Test
        void checksTheInvariantsThenLeavesAPaidOrderWithoutItsProcess() {
            assertInvariants();
            jdbc.update("INSERT INTO product (sku, name, price_minor, currency) VALUES ('BRK', 'Breaker', 100, 'CNY')");
            jdbc.update("""
                    INSERT INTO customer_order (order_no, product_id, quantity, amount_minor, currency, buyer_email,
                                                access_token_hash, channel, status)
                    SELECT ?, id, 1, 100, 'CNY', 'breaker@example.com', repeat('0', 64), 'sandbox', 'PAID' FROM product""",
                    ORDER_NO);
        }
    }
}
