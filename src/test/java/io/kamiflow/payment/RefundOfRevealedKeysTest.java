package io.kamiflow.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.util.Map;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A refund returns to stock only keys nobody may have seen. Whatever channel revealed a key (order page,
 * a mail attempt, support by hand), the refund voids it, also when the job that mailed it lost its commit.
 */
class RefundOfRevealedKeysTest extends ProcessTest {

    private Shop.PlacedOrder order;
    private ProcessInstance instance;

    @BeforeEach
    void claimedOrder() {
        Shop.productWithKeys(shop, "RVL", "5.00", 3);
        order = paidOrder("RVL", 2, "buyer@example.com");
        instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("SendKeys");
    }

    @AfterEach
    void cleanUp() {
        TestMail.start();
        jdbc.execute("DROP TRIGGER IF EXISTS lose_commit_once ON delivery_attempt");
        jdbc.execute("DROP FUNCTION IF EXISTS lose_commit_once()");
        jdbc.execute("DROP SEQUENCE IF EXISTS lose_commit_once_seq");
    }

    @Test
    void keysReadOnTheOrderPageAreVoidedNotResold() {
        assertThat(shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys")).hasSize(2);
        refundAndFinish();
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);
        assertThat(keysIn("AVAILABLE")).isEqualTo(1);
    }

    @Test
    void keysNobodySawReturnToStock() {
        refundAndFinish();
        assertThat(keysIn("AVAILABLE")).isEqualTo(3);
        assertThat(keysIn("VOID")).isZero();
    }

    @Test
    void keysOfAMailAttemptThatFailedAmbiguouslyAreVoided() {
        TestMail.stop(); // the attempt started; nobody can be sure what the buyer received
        executeJob(instance);
        assertThat(instance).isWaitingAt("WaitBeforeRetry");
        refundAndFinish();
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);
        assertThat(keysIn("AVAILABLE")).isEqualTo(1);
    }

    @Test
    void keysMailedByAJobThatLostItsCommitAreVoided() {
        // the database refuses the job's commit once, after the SMTP server took the mail
        jdbc.execute("CREATE SEQUENCE lose_commit_once_seq");
        jdbc.execute("""
                CREATE FUNCTION lose_commit_once() RETURNS trigger AS $$
                BEGIN IF nextval('lose_commit_once_seq') = 1 THEN RAISE EXCEPTION 'injected: commit lost'; END IF; RETURN NEW; END
                $$ LANGUAGE plpgsql""");
        jdbc.execute("CREATE TRIGGER lose_commit_once BEFORE INSERT ON delivery_attempt FOR EACH ROW EXECUTE FUNCTION lose_commit_once()");
        assertThatThrownBy(() -> executeJob(instance)).hasStackTraceContaining("injected: commit lost");
        assertThat(mailsTo("buyer@example.com")).as("the mail went out").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt", Integer.class)).isZero();

        refundAndFinish();
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);
        assertThat(keysIn("AVAILABLE")).isEqualTo(1);
    }

    @Test
    void keysSupportDeliveredByHandAreVoided() {
        jdbc.update("UPDATE customer_order SET buyer_email = 'bad@@example' WHERE order_no = ?", order.orderNo());
        executeJob(instance); // the address is refused before any SMTP call: nothing revealed
        assertThat(instance).isWaitingAt("ManualDelivery");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal", Integer.class)).isZero();
        complete(instance, Map.of("manualAction", "deliveredByHand", "manualNote", "read them out on the phone"));
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("DeliveredByHand");

        ProcessInstance refund = requestRefund(order);
        executeJob(refund);
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
        assertThat(keysOf(order.orderNo(), "VOID")).isEqualTo(2);
        assertThat(keysIn("AVAILABLE")).isEqualTo(1);
    }

    /** Admin refund while the instance waits; its jobs run to the end. */
    private void refundAndFinish() {
        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null).status()).isEqualTo(202);
        executeJob(instance); // Refund payment on request
        assertThat(instance).isEnded();
        assertThat(orderStatus(order.orderNo())).isEqualTo("REFUNDED");
    }
}
