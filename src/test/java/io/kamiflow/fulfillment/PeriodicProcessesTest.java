package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import io.kamiflow.gateway.sandbox.SandboxGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.camunda.bpm.engine.history.HistoricExternalTaskLog;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The timer-start processes: unpaid orders expire, lost callbacks are found by asking the gateway. */
class PeriodicProcessesTest extends ProcessTest {

    @Autowired
    SandboxGateway sandboxGateway;
    @Autowired
    io.kamiflow.ordering.OrderRepository orders;

    @Test
    void unpaidOrdersExpireAfterTheirTtlAndReleaseTheirReservations() {
        Shop.productWithKeys(shop, "EXP", "2.00", 3);
        Shop.PlacedOrder order = Shop.order(shop, "EXP", 2, "idle@example.com");
        assertThat(keysIn("RESERVED")).isEqualTo(2);

        runPeriodicProcess("order-expiry"); // now: nothing is old enough
        assertThat(orderStatus(order.orderNo())).isEqualTo("PENDING_PAYMENT");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(16))));
        runPeriodicProcess("order-expiry");
        assertThat(orderStatus(order.orderNo())).isEqualTo("EXPIRED");
        assertThat(keysIn("RESERVED")).isZero();
        assertThat(keysIn("AVAILABLE")).isEqualTo(3);
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey("order-expiry")
                .finished().count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void compensationFindsAPaymentWhoseCallbackWasLost() {
        Shop.productWithKeys(shop, "COMP", "2.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "COMP", 1, "lost@example.com");
        sandboxGateway.recordPaid("LOST-TRADE", orders.findByOrderNo(order.orderNo()).orElseThrow());

        runPeriodicProcess("payment-compensation"); // too young: the gateway may still call
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isZero();

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
        runPeriodicProcess("payment-compensation");
        ClockUtil.reset();
        assertThat(jdbc.queryForObject("SELECT trade_no FROM payment", String.class)).isEqualTo("LOST-TRADE");
        ProcessInstance instance = instanceFor(order.orderNo());
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(mailsTo("lost@example.com")).isEqualTo(1);

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(4))));
        runPeriodicProcess("payment-compensation"); // the order is paid now: asked no more, recorded once
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
    }

    /**
     * Each found payment is recorded and its order-fulfillment started in one commit of its own, after the gateway
     * answered, by the same recorder a callback goes through: a database fault while starting the third order's
     * instance loses neither that payment's process nor the others' (the recorder records it once more with the claim
     * deferred to a job, as for a callback), and every order is checked exactly once.
     */
    @Test
    void aFaultWhileStartingOneFoundPaymentLosesNoProcess() {
        Shop.productWithKeys(shop, "COMP", "2.00", 5);
        List<String> orderNos = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Shop.PlacedOrder order = Shop.order(shop, "COMP", 1, "lost" + i + "@example.com");
            sandboxGateway.recordPaid("LOST-" + i, orders.findByOrderNo(order.orderNo()).orElseThrow());
            orderNos.add(order.orderNo());
        }
        // a real fault at the database: the first insert of the third order's instance fails (the sequence
        // is not transactional, so "once" survives the rollback)
        jdbc.execute("CREATE SEQUENCE fault_once");
        jdbc.execute("""
                CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.business_key_ = '%s' THEN -- nested: AND does not promise to skip nextval
                    IF nextval('fault_once') = 1 THEN
                      RAISE EXCEPTION 'injected fault starting the instance of order %%', NEW.business_key_;
                    END IF;
                  END IF;
                  RETURN NEW;
                END $$""".formatted(orderNos.get(2)));
        jdbc.execute("CREATE TRIGGER fail_once BEFORE INSERT ON act_ru_execution FOR EACH ROW EXECUTE FUNCTION fail_once()");
        List<String> checksBefore = engine.getHistoryService().createHistoricExternalTaskLogQuery()
                .activityIdIn("CheckPaymentAtGateway").list().stream().map(HistoricExternalTaskLog::getId).toList();
        boolean faultFired;
        try {
            ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(3))));
            runPeriodicProcessWithRetries("payment-compensation");
            faultFired = jdbc.queryForObject("SELECT is_called FROM fault_once", Boolean.class);
        } finally {
            jdbc.execute("DROP TRIGGER IF EXISTS fail_once ON act_ru_execution");
            jdbc.execute("DROP FUNCTION IF EXISTS fail_once()");
            jdbc.execute("DROP SEQUENCE IF EXISTS fault_once");
            ClockUtil.reset();
        }
        assertThat(faultFired).as("the injected fault fired").isTrue();
        // one check per order, each completed at its first attempt
        List<HistoricExternalTaskLog> checks = engine.getHistoryService().createHistoricExternalTaskLogQuery()
                .activityIdIn("CheckPaymentAtGateway").list().stream()
                .filter(log -> !checksBefore.contains(log.getId())).toList();
        assertThat(checks).filteredOn(HistoricExternalTaskLog::isFailureLog).isEmpty();
        assertThat(checks).filteredOn(HistoricExternalTaskLog::isSuccessLog).hasSize(5);

        assertThat(jdbc.queryForList("SELECT order_no FROM payment ORDER BY order_no", String.class))
                .containsExactlyInAnyOrderElementsOf(orderNos);
        for (String orderNo : orderNos) {
            assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey("order-fulfillment")
                    .processInstanceBusinessKey(orderNo).count()).as("instances of order " + orderNo).isEqualTo(1);
            ProcessInstance instance = instanceFor(orderNo);
            for (int job = 0; job < 3 && !engine.getRuntimeService().createProcessInstanceQuery()
                    .processInstanceId(instance.getId()).list().isEmpty(); job++) {
                executeJob(instance); // the faulted order's claim waits in a job of its own first
            }
            assertThat(instance).isEnded().hasPassed("OrderDelivered");
            assertThat(orderStatus(orderNo)).isEqualTo("DELIVERED");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(5);
    }

    @Test
    void anExpiredOrdersTradeIsClosedAtTheGatewayOnceAfterTheExpiryCommits() {
        Shop.productWithKeys(shop, "EXP", "2.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "EXP", 1, "idle@example.com");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(16))));
        runPeriodicProcess("order-expiry");
        runPeriodicProcess("order-expiry"); // a later run does not close it again

        assertThat(orderStatus(order.orderNo())).isEqualTo("EXPIRED");
        assertThat(tradeClose(order.orderNo())).isEqualTo("CLOSED");
        assertThat(jdbc.queryForList("SELECT order_no FROM sandbox_closed_order", String.class)).containsExactly(order.orderNo());
        assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processDefinitionKey("order-expiry")
                .variableValueEquals("orderNo", order.orderNo()).count()).as("close instances of the order").isEqualTo(1);
        // the buyer comes back to pay: the sandbox gateway refuses a closed trade
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sandboxGateway.recordPaid("TOO-LATE",
                orders.findByOrderNo(order.orderNo()).orElseThrow())).hasMessageContaining("closed");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sandbox_trade", Integer.class)).isZero();
    }

    @Test
    void aPaymentMadeJustBeforeExpiryWhoseCallbackWasLostIsFoundAndReviewed() {
        Shop.productWithKeys(shop, "EXP", "2.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "EXP", 1, "late@example.com");
        sandboxGateway.recordPaid("LATE-TRADE", orders.findByOrderNo(order.orderNo()).orElseThrow()); // callback lost

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(16))));
        runPeriodicProcess("order-expiry"); // before compensation came round: the order expires anyway
        assertThat(orderStatus(order.orderNo())).isEqualTo("EXPIRED");
        assertThat(tradeClose(order.orderNo())).as("the gateway said paid: nothing to close").isEqualTo("PAID");

        runPeriodicProcess("payment-compensation"); // asks about recently expired orders too
        assertThat(jdbc.queryForObject("SELECT trade_no FROM payment", String.class)).isEqualTo("LATE-TRADE");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isWaitingAt("ReviewPayment").variables().containsEntry("discrepancy", "ORDER_NOT_PAYABLE");

        runPeriodicProcess("payment-compensation"); // recorded once: the order has its payment now
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
    }

    @Test
    void expiredOrdersOutsideTheCompensationWindowAreNotAskedAbout() {
        Shop.productWithKeys(shop, "EXP", "2.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "EXP", 1, "old@example.com");
        sandboxGateway.recordPaid("OLD-TRADE", orders.findByOrderNo(order.orderNo()).orElseThrow());
        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(16))));
        runPeriodicProcess("order-expiry");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofHours(25))));
        runPeriodicProcess("payment-compensation");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isZero();
    }

    @Test
    void keysFreedByExpiredReservationsWakeParkedOrders() {
        Shop.productWithKeys(shop, "EXP", "2.00", 1);
        Shop.PlacedOrder idle = Shop.order(shop, "EXP", 1, "idle@example.com"); // reserves the only key
        // a paid order finds no stock: e.g. paid after review, or in on-payment mode
        takeKeysOnPayment();
        shop.importKeys("EXP", "EXP-EXTRA-1");
        Shop.PlacedOrder paid = Shop.order(shop, "EXP", 1, "paid@example.com");
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE status = 'AVAILABLE'"); // the extra key turned out bad
        Shop.pay(shop, paid, "T-paid");
        ProcessInstance parked = instanceFor(paid.orderNo());
        assertThat(parked).isWaitingAt("WaitForStock");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(16))));
        runPeriodicProcess("order-expiry"); // the idle order expires and gives its reserved key back
        ClockUtil.reset();
        assertThat(orderStatus(idle.orderNo())).isEqualTo("EXPIRED");
        awaitStockReplenished(parked);
        executeJobs(parked, 2);
        assertThat(parked).isEnded().hasPassed("OrderDelivered");
    }
}
