package io.kamiflow.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;

import io.kamiflow.support.Concurrently;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An admin refund racing the moment the keys go out, fifty times each way: Send keys mailing them, and
 * support recording a delivery by hand. Whichever wins, the order ends refunded once, a key the buyer may
 * have is void, a key nobody saw is back on sale, and the invariants hold after every round.
 */
class RefundRaceTest extends ProcessTest {

    private static final int ROUNDS = 50;

    @Autowired
    IdentityService identity;

    @Test
    void refundRacesSendKeys() throws Exception {
        Shop.productWithKeys(shop, "RACE", "1.00", ROUNDS);
        int mailedFirst = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Shop.PlacedOrder order = paidOrder("RACE", 1, "race" + round + "@example.com");
            List<ExternalTask> calls = remoteCalls(instanceFor(order.orderNo()), "SendKeys");
            assertThat(calls).hasSize(1);
            String sendKeys = calls.get(0).getId();
            Concurrently.run(2, List.<Callable<Object>>of(
                    () -> quietly(() -> remoteCallWorker.runNow(sendKeys)),
                    () -> refund(order)));
            finish(order);
            boolean mailed = mailsTo("race" + round + "@example.com") > 0;
            mailedFirst += mailed ? 1 : 0;
            assertSettled(order, mailed);
        }
        System.out.printf("refund vs Send keys: mail first in %d of %d rounds%n", mailedFirst, ROUNDS);
    }

    @Test
    void refundRacesADeliveryByHand() throws Exception {
        SupportDesk.ensureUser(identity);
        Shop.productWithKeys(shop, "RACE", "1.00", ROUNDS);
        int byHandFirst = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Shop.PlacedOrder order = paidOrder("RACE", 1, "hand" + round + "@example.com");
            jdbc.update("UPDATE customer_order SET buyer_email = 'unmailable@@example' WHERE order_no = ?", order.orderNo());
            executeJob(instanceFor(order.orderNo())); // claimed, mail refused: Manual delivery
            Task task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo()).singleResult();
            Concurrently.run(2, List.<Callable<Object>>of(
                    () -> SupportDesk.rest(shop, "POST", "/engine-rest/task/" + task.getId() + "/submit-form",
                            "{\"variables\":{\"manualAction\":{\"value\":\"deliveredByHand\"},"
                                    + "\"manualNote\":{\"value\":\"gave them on the phone\"}}}").status(),
                    () -> refund(order)));
            finish(order);
            boolean byHand = jdbc.queryForObject("SELECT count(*) FROM key_reveal r JOIN customer_order o ON o.id = r.order_id"
                    + " WHERE o.order_no = ? AND r.channel = 'HAND'", Integer.class, order.orderNo()) > 0;
            byHandFirst += byHand ? 1 : 0;
            assertSettled(order, byHand);
        }
        System.out.printf("refund vs delivery by hand: by hand first in %d of %d rounds%n", byHandFirst, ROUNDS);
    }

    private Object refund(Shop.PlacedOrder order) {
        int status = shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null).status();
        assertThat(status).as("admin refund of " + order.orderNo()).isEqualTo(202);
        return status;
    }

    /** Runs whatever jobs and gateway calls the order's instances still have, until none is left. */
    private void finish(Shop.PlacedOrder order) {
        runUntilOnlyTasksWait(order.orderNo());
    }

    private void assertSettled(Shop.PlacedOrder order, boolean buyerMayHaveKey) {
        assertThat(orderStatus(order.orderNo())).as(order.orderNo()).isEqualTo("REFUNDED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment WHERE order_no = ? AND refunded_at IS NOT NULL",
                Integer.class, order.orderNo())).isEqualTo(1);
        assertThat(keysOf(order.orderNo(), "VOID")).as("void keys of " + order.orderNo()).isEqualTo(buyerMayHaveKey ? 1 : 0);
        assertThat(invariants.check()).isEmpty();
    }

    private static Object quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException lostTheRace) {
            // optimistic locking or a deleted task: the other side won this round
        }
        return null;
    }
}
