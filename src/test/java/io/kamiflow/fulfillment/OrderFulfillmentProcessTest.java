package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

class OrderFulfillmentProcessTest extends ProcessTest {

    @Test
    void paidOrderIsVerifiedAndClaimedInTheCallbackAndMailedInAJob() {
        Shop.productWithKeys(shop, "GAME-1", "12.50", 3);
        Shop.PlacedOrder order = Shop.order(shop, "GAME-1", 2, "alice@example.com");

        assertThat(Shop.pay(shop, order, "T-1").body()).isEqualTo("success");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).isStarted().hasBusinessKey(order.orderNo());
        // the callback's transaction recorded the payment, verified it and claimed the keys
        assertThat(instance).isWaitingAt("SendKeys").hasPassed("VerifyPayment", "ClaimKeys");
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");
        assertThat(soldTo(order.orderNo())).isEqualTo(2);
        assertThat(shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys")).hasSize(2);
        assertThat(TestMail.get().getReceivedMessages()).isEmpty();
        // the verdicts that pick the paths are transient and the payment row names the instance: a happy order
        // stores no variables at all
        assertThat(engine.getRuntimeService().getVariables(instance.getId())).isEmpty();
        assertThat(jdbc.queryForObject("SELECT process_instance_id FROM payment WHERE order_no = ?", String.class,
                order.orderNo())).isEqualTo(instance.getId());

        executeJob(instance); // Send keys
        assertThat(instance).isEnded()
                .hasPassedInOrder("VerifyPayment", "ClaimKeys", "SendKeys", "OrderDelivered"); // start: on the instance row
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");

        var view = shop.getOrder(order.orderNo(), order.accessToken()).json();
        assertThat(view.get("keys")).hasSize(2);
        MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain("alice@example.com");
        assertThat(mails).hasSize(1);
        String body = GreenMailUtil.getBody(mails[0]);
        view.get("keys").forEach(key -> assertThat(body).contains(key.asText()));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class)).isEqualTo(1);
    }

    @Test
    void orderThatFindsNoStockIsParkedAsAwaitingStock() {
        takeKeysOnPayment();
        Shop.productWithKeys(shop, "GAME-2", "5.00", 1);
        Shop.PlacedOrder first = Shop.order(shop, "GAME-2", 1, "first@example.com");
        Shop.PlacedOrder second = Shop.order(shop, "GAME-2", 1, "second@example.com");
        Shop.pay(shop, first, "T-first");
        Shop.pay(shop, second, "T-second");

        ProcessInstance firstInstance = instanceFor(first.orderNo());
        executeJob(firstInstance);
        assertThat(firstInstance).isEnded().hasPassed("OrderDelivered");

        ProcessInstance secondInstance = instanceFor(second.orderNo());
        assertThat(secondInstance).hasPassed("ClaimKeys", "OutOfStock", "MarkAwaitingStock").hasNotPassed("SendKeys");
        assertThat(orderStatus(second.orderNo())).isEqualTo("AWAITING_STOCK");
        assertThat(soldTo(second.orderNo())).isZero();
        assertThat(soldTo(first.orderNo())).isEqualTo(1);
        assertThat(TestMail.get().getReceivedMessagesForDomain("second@example.com")).isEmpty();
    }

    @Test
    void signedNoticeThatDisagreesWithTheOrderGoesToReviewAndIsNeverDelivered() {
        Shop.productWithKeys(shop, "GAME-3", "30.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "GAME-3", 1, "carol@example.com");

        assertThat(shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "T-cheap", "0.01", "CNY")).body())
                .isEqualTo("success");
        ProcessInstance instance = instanceFor(order.orderNo());

        assertThat(instance).isWaitingAt("ReviewPayment").hasNotPassed("ClaimKeys");
        assertThat(instance).variables().containsEntry("discrepancy", "AMOUNT_MISMATCH");
        assertThat(task(instance)).hasCandidateGroup("kamiflow-support");
        assertThat(task(instance).getName()).contains(order.orderNo());
        assertThat(orderStatus(order.orderNo())).isEqualTo("PENDING_PAYMENT");
        assertThat(soldTo(order.orderNo())).isZero();
    }

    private int soldTo(String orderNo) {
        return keysOf(orderNo, "SOLD");
    }
}
