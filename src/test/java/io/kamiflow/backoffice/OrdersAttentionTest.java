package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

/**
 * The back office's Orders list flags an order with an open support task or incident, in words, and "needs attention"
 * lists only those; the order's page says so at its top.
 */
class OrdersAttentionTest extends IntegrationTest {

    @Test
    void anOrderWithAnOpenReviewTaskAndAnIncidentIsFlaggedAndFilteredInEnglishAndChinese() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "ATTN", "9.90", 2);
        Shop.PlacedOrder fine = Shop.order(shop, "ATTN", 1, "fine@example.com");
        assertThat(Shop.pay(shop, fine, "T-FINE").body()).isEqualTo("success");
        awaitDelivered(fine.orderNo());
        Shop.PlacedOrder stuck = Shop.order(shop, "ATTN", 1, "stuck@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(stuck.orderNo(), "T-STUCK", "1.00", "CNY")); // too little: Review payment
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery()
                .processInstanceBusinessKey(stuck.orderNo()).count() == 1);

        StorefrontForms owner = loggedIn();
        String en = owner.get("/admin/orders", "en").body();
        assertThat(row(en, stuck.orderNo())).contains("mails-flag-task", "1 open task").doesNotContain("incident");
        assertThat(row(en, fine.orderNo())).doesNotContain("mails-flag");
        assertThat(en).contains("Needs attention only");

        String instance = engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(stuck.orderNo())
                .singleResult().getId();
        engine.getRuntimeService().createIncident("failedJob", instance, "test", "the gateway did not answer");
        String zh = owner.get("/admin/orders", "zh-CN").body();
        assertThat(row(zh, stuck.orderNo())).contains("1 个待处理任务", "1 个事故");
        assertThat(row(zh, fine.orderNo())).doesNotContain("mails-flag");

        String attention = owner.get("/admin/orders?needsAttention=true", "en").body();
        assertThat(attention).contains(stuck.orderNo()).doesNotContain(fine.orderNo())
                .contains("name=\"needsAttention\" value=\"true\" checked");
        assertThat(owner.get("/admin/orders?needsAttention=true&status=DELIVERED", "en").body()).doesNotContain(stuck.orderNo(),
                fine.orderNo());
        assertThat(owner.get("/admin/orders?needsAttention=maybe", "en").status()).isEqualTo(400);

        String page = owner.get("/admin/orders/" + stuck.orderNo(), "zh-CN").body();
        assertThat(page).contains("mails-attention-banner", "1 个待处理任务", "1 个事故", "查看待处理事项");
        assertThat(owner.get("/admin/orders/" + fine.orderNo(), "en").body()).doesNotContain("mails-attention-banner");

        // once support decided, the order needs nobody
        engine.getTaskService().complete(engine.getTaskService().createTaskQuery().processInstanceBusinessKey(stuck.orderNo())
                .singleResult().getId(), Map.of("reviewDecision", "refund"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "REFUNDED".equals(orderStatus(stuck.orderNo()))
                && engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(stuck.orderNo()).count() == 0);
        assertThat(owner.get("/admin/orders?needsAttention=true", "en").body()).doesNotContain(stuck.orderNo());
    }

    private StorefrontForms loggedIn() {
        StorefrontForms browser = new StorefrontForms(port, "203.0.113.90");
        String token = StorefrontForms.csrfToken(browser.get("/admin/login", "en"));
        ShopClient.Response answer = browser.post("/admin/login", Map.of("username", ShopClient.ADMIN_USER,
                "password", ShopClient.ADMIN_PASSWORD, "_csrf", token));
        assertThat(StorefrontForms.header(answer, "Location")).doesNotContain("error");
        return browser;
    }

    /** The list's table row of one order. */
    private static String row(String page, String orderNo) {
        int at = page.indexOf(">" + orderNo + "</a>");
        assertThat(at).as("order " + orderNo + " in the list").isPositive();
        int start = page.lastIndexOf("<tr", at);
        return page.substring(start, page.indexOf("</tr>", at));
    }
}
