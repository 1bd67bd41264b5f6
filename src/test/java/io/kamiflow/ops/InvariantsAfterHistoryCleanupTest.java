package io.kamiflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/**
 * The invariants rest on what lives as long as the order: Camunda's history cleanup (orders: 180 days after their end)
 * takes nothing they need, so old orders that ended well still pass and a real violation is still named.
 */
class InvariantsAfterHistoryCleanupTest extends ProcessTest {

    private static final Duration PAST_THE_TTL = Duration.ofDays(181);

    @Test
    void ordersThatEndedWellStillHoldOnceTheirHistoryIsGoneAndARealViolationIsStillCaught() {
        Shop.productWithKeys(shop, "OLD", "5.00", 4);
        Shop.PlacedOrder delivered = paidOrder("OLD", 1, "delivered@example.com");
        executeJob(instanceFor(delivered.orderNo())); // Send keys
        Shop.PlacedOrder refunded = paidOrder("OLD", 1, "refunded@example.com");
        executeJob(instanceFor(refunded.orderNo()));
        ProcessInstance refund = requestRefund(refunded);
        executeJob(refund); // Refund payment: the sandbox returns the money at once
        Shop.PlacedOrder reviewed = Shop.order(shop, "OLD", 1, "short@example.com");
        assertThat(shop.sandboxNotify(ShopClient.signedNotice(reviewed.orderNo(), "T-short", "4.00", "CNY")).body())
                .isEqualTo("success");
        ProcessInstance review = instanceFor(reviewed.orderNo());
        complete(review, Map.of("reviewDecision", "refund"));
        executeJobs(review, 2);
        assertThat(List.of(orderStatus(delivered.orderNo()), orderStatus(refunded.orderNo()), orderStatus(reviewed.orderNo())))
                .containsExactly("DELIVERED", "REFUNDED", "REFUNDED");
        assertThat(invariants.check()).as("before the cleanup").isEmpty();

        cleanUpHistoryAt(Instant.now().plus(PAST_THE_TTL));
        ClockUtil.reset();
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery()
                .processInstanceBusinessKeyIn(delivered.orderNo(), refunded.orderNo(), reviewed.orderNo()).count())
                .as("their history is gone").isZero();
        assertThat(invariants.check()).as("after the cleanup").isEmpty();
        // counted from here: an earlier test that ran a reconcile with the clock moved on keeps its row past this cleanup
        long consistentBefore = ordersConsistent();
        runPeriodicProcess("reconcile-orders"); // a failing check would fail here
        runPeriodicProcess("reconcile-every-order");
        assertThat(ordersConsistent() - consistentBefore).as("both reconcile processes ended consistent").isEqualTo(2);

        // a payment under review whose instance someone deleted in Cockpit: only the invariants can tell
        Shop.PlacedOrder lost = Shop.order(shop, "OLD", 1, "lost@example.com");
        assertThat(shop.sandboxNotify(ShopClient.signedNotice(lost.orderNo(), "T-lost", "1.00", "CNY")).body())
                .isEqualTo("success");
        engine.getRuntimeService().deleteProcessInstance(instanceFor(lost.orderNo()).getId(), "deleted by hand in Cockpit");
        List<OrderInvariants.Violation> violations = invariants.check();
        assertThat(violations).extracting(OrderInvariants.Violation::invariant)
                .containsExactly("a payment neither paid its order nor was refunded, and no process works on it");
        assertThat(violations.get(0).subjects()).singleElement().asString().startsWith(lost.orderNo() + " ");

        jdbc.update("""
                UPDATE payment SET refunded_at = CURRENT_TIMESTAMP, refund_status = 'MANUAL_DONE',
                       refund_request_id = 'KF-REFUND-' || id WHERE order_no = ?""", lost.orderNo()); // support settles it
    }

    private long ordersConsistent() {
        return engine.getHistoryService().createHistoricActivityInstanceQuery().activityId("OrdersConsistent").count();
    }
}
