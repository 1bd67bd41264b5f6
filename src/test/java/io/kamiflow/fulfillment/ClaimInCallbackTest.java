package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Instant;

import io.kamiflow.ordering.OrderExpiryService;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Keys are claimed in the callback's transaction; a fault there must not turn into callbacks the gateway
 * repeats forever: the payment is recorded anyway and the claim waits in a job of its own.
 */
class ClaimInCallbackTest extends ProcessTest {

    @Autowired
    OrderExpiryService expiry;

    /** A real fault at the database: every change of a key fails until {@link #dropFault} drops the trigger. */
    private void injectFault() {
        jdbc.execute("""
                CREATE FUNCTION fail_claim() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'injected fault claiming keys';
                END $$""");
        jdbc.execute("CREATE TRIGGER fail_claim BEFORE UPDATE ON card_key FOR EACH ROW EXECUTE FUNCTION fail_claim()");
    }

    @AfterEach
    void dropFault() {
        jdbc.execute("DROP TRIGGER IF EXISTS fail_claim ON card_key");
        jdbc.execute("DROP FUNCTION IF EXISTS fail_claim()");
    }

    @Test
    void aFaultWhileClaimingInTheCallbackRecordsThePaymentAndDefersTheClaimToAJob() {
        Shop.productWithKeys(shop, "DEFER", "3.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "DEFER", 1, "defer@example.com");
        injectFault();

        assertThat(Shop.pay(shop, order, "T-defer").body()).isEqualTo("success");
        assertThat(Shop.pay(shop, order, "T-defer").body()).as("the gateway's repeat").isEqualTo("success");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("ClaimDeferred").hasNotPassed("VerifyPayment", "ClaimKeys");
        assertThat(jdbc.queryForObject("SELECT process_instance_id FROM payment", String.class)).isEqualTo(instance.getId());
        assertThat(orderStatus(order.orderNo())).isEqualTo("PENDING_PAYMENT");
        assertThat(keysIn("SOLD")).isZero();

        // still failing: the job fails and keeps its retries for later, the order stays paid-for and unclaimed
        assertThatThrownBy(() -> executeJob(instance)).hasMessageContaining("injected fault");
        assertThat(instance).isWaitingAt("ClaimDeferred");
        assertThat(job(instance).getRetries()).isLessThan(3);
        assertThat(engine.getHistoryService().createHistoricJobLogQuery().processInstanceId(instance.getId()).failureLog()
                .count()).as("failures stay in the job log").isEqualTo(1);

        dropFault();
        executeJob(instance); // Verify payment + Claim keys
        assertThat(instance).isWaitingAt("SendKeys").hasPassed("ClaimDeferred", "VerifyPayment", "ClaimKeys");
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");
        executeJob(instance); // Send keys
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(keysOf(order.orderNo(), "SOLD")).isEqualTo(1);
        assertThat(mailsTo("defer@example.com")).isEqualTo(1);
    }

    /**
     * The deferred job runs in a transaction of its own: it decides on the order as it is then, read under its lock,
     * never on what the failed callback had read (an order that expired meanwhile goes to review, its keys untouched).
     */
    @Test
    void theDeferredClaimsJobReadsTheOrderAfreshUnderItsLock() {
        Shop.productWithKeys(shop, "DEFER2", "3.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "DEFER2", 1, "defer2@example.com");
        injectFault();
        assertThat(Shop.pay(shop, order, "T-defer2").body()).isEqualTo("success");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("ClaimDeferred");
        dropFault();

        // between the failed callback and its job, the unpaid order expires (its reservation goes back to stock)
        jdbc.update("UPDATE customer_order SET created_at = created_at - interval '1 day' WHERE order_no = ?", order.orderNo());
        assertThat(expiry.expireCreatedBefore(Instant.now().minusSeconds(3600))).isEqualTo(1);

        executeJob(instance); // Verify payment, on the order as it is now
        assertThat(instance).isWaitingAt("ReviewPayment").hasNotPassed("ClaimKeys");
        assertThat(orderStatus(order.orderNo())).isEqualTo("EXPIRED");
        assertThat(keysIn("SOLD")).isZero();
    }
}
