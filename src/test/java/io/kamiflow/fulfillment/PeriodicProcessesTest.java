package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

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
        executeJob(parked);
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
