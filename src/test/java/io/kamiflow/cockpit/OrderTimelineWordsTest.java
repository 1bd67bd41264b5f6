package io.kamiflow.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kamiflow.delivery.OrderLinkMail;
import io.kamiflow.fulfillment.EmailMask;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The order's timeline tells what happened and why in the reader's language: each key mail attempt and its outcome,
 * the retry, the resend, the find-order mail and support's decision with its note, never an enum name.
 */
class OrderTimelineWordsTest extends ProcessTest {

    private static final Locale ZH = Locale.SIMPLIFIED_CHINESE;

    @Autowired
    private OrderTimeline timelines;

    @Autowired
    private OrderLinkMail linkMail;

    @Test
    void paidMailFailedRetriedDeliveredResentAndLinkMailedReadsInEnglishAndChinese() {
        Shop.productWithKeys(shop, "WORDS", "6.00", 2);
        Shop.PlacedOrder order = paidOrder("WORDS", 1, "reader@example.com");
        ProcessInstance instance = instanceFor(order.orderNo());
        TestMail.stop();
        executeJob(instance); // attempt 1: the mail server is down
        executeJob(instance); // the timer
        TestMail.start();
        executeJob(instance); // attempt 2: sent
        assertThat(instance).isEnded();
        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/resend", null, null).status()).isEqualTo(202);
        ProcessInstance resend = instanceFor(order.orderNo());
        executeJob(resend); // after the message start
        executeJob(resend); // Send keys: attempt 3
        assertThat(resend).isEnded();
        assertThat(linkMail.resend(order.orderNo(), "reader@example.com")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject("SELECT count(*) FROM buyer_mail", Integer.class) == 1);

        OrderTimeline.Timeline en = timelines.of(order.orderNo(), Locale.ENGLISH, EmailMask::mask).orElseThrow();
        assertThat(titles(en)).contains("Order placed", "Payment received", "Order paid", "Keys claimed",
                "Delivery attempt 1: key mail not sent yet (the mail server was unreachable or busy)",
                "Delivery attempt 2: key mail sent (the mail server took it)",
                "Delivery attempt 3 (a resend): key mail sent (the mail server took it)",
                "Resend of the keys asked for",
                "Mail to the buyer: the link to the order page, asked for with \"Find my order\", sent",
                "Order fulfillment ended: completed");
        assertThat(titles(en).indexOf("Delivery attempt 1: key mail not sent yet (the mail server was unreachable or busy)"))
                .isLessThan(titles(en).indexOf("Delivery attempt 2: key mail sent (the mail server took it)"));
        OrderTimeline.Event failed = event(en, "Delivery attempt 1");
        assertThat(failed.detail()).containsEntry("recipient", "r***@example.com").containsEntry("sent by", "email")
                .containsEntry("what happens next", "tried again automatically after a wait; after the last try support "
                        + "gets a Manual delivery task")
                .doesNotContainValue("FAILED_TRANSIENT");
        assertNoEnumNames(en);

        OrderTimeline.Timeline zh = timelines.of(order.orderNo(), ZH, EmailMask::mask).orElseThrow();
        assertThat(titles(zh)).contains("下单", "收到付款", "订单已付款", "已锁定卡密",
                "第 1 次发送卡密邮件：暂未发出（邮件服务器无法连接或繁忙）",
                "第 2 次发送卡密邮件：已发送（邮件服务器已接收）",
                "第 3 次发送卡密邮件（重发）：已发送（邮件服务器已接收）",
                "申请重发卡密",
                "发给买家的邮件：订单页链接（通过“查找订单”申请），已发送",
                "订单履约流程 已结束：已完成");
        assertThat(event(zh, "第 1 次").detail()).containsEntry("收件人", "r***@example.com").containsKey("接下来")
                .containsEntry("发送方式", "邮件").doesNotContainKey("支付渠道");
        assertThat(String.join("\n", titles(zh))).doesNotContain("Delivery attempt", "Order placed", "Keys claimed");
        assertThat(event(zh, "订单履约流程 已结束").detail()).containsEntry("结束于", "订单已发货");
        assertNoEnumNames(zh);

        // Cockpit's view stays as it was: English, the address as it is
        assertThat(event(timelines.of(order.orderNo()).orElseThrow(), "Delivery attempt 2").detail())
                .containsEntry("recipient", "reader@example.com");
    }

    @Test
    void supportsDecisionAndNoteAreRowsInWords() {
        Shop.productWithKeys(shop, "WORDS", "6.00", 1);
        Shop.PlacedOrder order = paidOrder("WORDS", 1, "reader@example.com");
        jdbc.update("UPDATE customer_order SET buyer_email = 'bad@@example' WHERE order_no = ?", order.orderNo());
        ProcessInstance instance = instanceFor(order.orderNo());
        executeJob(instance); // refused for good: Manual delivery
        assertThat(instance).isWaitingAt("ManualDelivery");
        complete(instance, Map.of("manualAction", "deliveredByHand", "manualNote", "read the key to the buyer on the phone"));
        executeJob(instance);
        assertThat(instance).isEnded();

        OrderTimeline.Timeline en = timelines.of(order.orderNo(), Locale.ENGLISH, EmailMask::mask).orElseThrow();
        assertThat(titles(en)).contains("Delivery attempt 1: key mail refused (the address or the mail was rejected)",
                "Task opened: Manual delivery for order " + order.orderNo(),
                "Support decided in \"Manual delivery\": the keys reached the buyer another way (delivered by hand)",
                "Keys delivered by hand");
        assertThat(event(en, "Support decided").detail()).containsEntry("note", "read the key to the buyer on the phone");
        assertThat(event(en, "Delivery attempt 1").detail()).containsEntry("what happens next",
                "no automatic retry: support resends to a corrected address, delivers by hand or refunds");
        assertNoEnumNames(en);

        OrderTimeline.Timeline zh = timelines.of(order.orderNo(), ZH, EmailMask::mask).orElseThrow();
        assertThat(titles(zh)).contains("任务已创建：人工发货", "客服在“人工发货”中决定：卡密已通过其他方式交给买家（人工交付）",
                "卡密已人工交付");
        assertThat(event(zh, "客服在").detail()).containsEntry("备注", "read the key to the buyer on the phone");
        assertNoEnumNames(zh);
    }

    private static List<String> titles(OrderTimeline.Timeline timeline) {
        return timeline.events().stream().map(OrderTimeline.Event::title).toList();
    }

    private static OrderTimeline.Event event(OrderTimeline.Timeline timeline, String titleStart) {
        return timeline.events().stream().filter(e -> e.title().startsWith(titleStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no event " + titleStart + " in " + titles(timeline)));
    }

    /** No title or value is one of the code's names (outcomes, states, actions, task keys). */
    private static void assertNoEnumNames(OrderTimeline.Timeline timeline) {
        List<String> names = List.of("FAILED_TRANSIENT", "FAILED_PERMANENT", "SENT", "COMPLETED", "ORDER_LINK", "order.resend",
                "task.complete", "manualAction", "deliveredByHand", "ManualDelivery", "EXTERNALLY_TERMINATED", "MAIL", "HAND");
        for (OrderTimeline.Event event : timeline.events()) {
            for (String name : names) {
                assertThat(event.title()).as(event.toString()).doesNotContain(name);
                assertThat(event.detail().values()).as(event.toString()).doesNotContain(name);
            }
        }
    }
}
