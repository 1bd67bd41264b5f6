package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import io.kamiflow.payment.sandbox.SandboxGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
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
        executeJobs(instance, 2);
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(mailsTo("lost@example.com")).isEqualTo(1);

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(4))));
        runPeriodicProcess("payment-compensation"); // the order is paid now: asked no more, recorded once
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
    }

    /**
     * Each found payment is recorded and its order-fulfillment started in one commit of its own: a database
     * fault while starting the third order's instance loses neither that payment's process nor the others'.
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
                  IF NEW.business_key_ = '%s' AND nextval('fault_once') = 1 THEN
                    RAISE EXCEPTION 'injected fault starting the instance of order %%', NEW.business_key_;
                  END IF;
                  RETURN NEW;
                END $$""".formatted(orderNos.get(2)));
        jdbc.execute("CREATE TRIGGER fail_once BEFORE INSERT ON act_ru_execution FOR EACH ROW EXECUTE FUNCTION fail_once()");
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

        assertThat(jdbc.queryForList("SELECT order_no FROM payment ORDER BY order_no", String.class))
                .containsExactlyInAnyOrderElementsOf(orderNos);
        for (String orderNo : orderNos) {
            assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey("order-fulfillment")
                    .processInstanceBusinessKey(orderNo).count()).as("instances of order " + orderNo).isEqualTo(1);
            ProcessInstance instance = instanceFor(orderNo);
            executeJobs(instance, 2);
            assertThat(instance).isEnded().hasPassed("OrderDelivered");
            assertThat(orderStatus(orderNo)).isEqualTo("DELIVERED");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(5);
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
        executeJobs(parked, 2);
        assertThat(parked).isWaitingAt("WaitForStock");

        ClockUtil.setCurrentTime(Date.from(Instant.now().plus(Duration.ofMinutes(16))));
        runPeriodicProcess("order-expiry"); // the idle order expires and gives its reserved key back
        ClockUtil.reset();
        assertThat(orderStatus(idle.orderNo())).isEqualTo("EXPIRED");
        assertThat(parked).isWaitingAt("StockReplenished");
        executeJobs(parked, 2);
        assertThat(parked).isEnded().hasPassed("OrderDelivered");
    }
}
