package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/**
 * "Find my order" over real HTTP and SMTP: the link goes to the order's own address only, the page answers the
 * same whether or not the order exists and never shows keys, and the form is rate-limited per address.
 */
class FindOrderTest extends IntegrationTest {

    @Test
    void theRightNumberAndEmailMailTheLinkAndTheAnswerIsTheSameForWrongOnes() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 3);
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "Lost@Example.com");
        assertThat(Shop.pay(shop, order, "T-LOST").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        TestMail.get().purgeEmailFromAllMailboxes(); // the key mail
        String key = shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").get(0).asText();

        StorefrontForms browser = new StorefrontForms(port, "203.0.113.80");
        String csrf = browser.csrfToken("/find-order");
        ShopClient.Response unknownOrder = browser.post("/find-order",
                Map.of("orderNo", "NO-SUCH-ORDER", "email", "lost@example.com", "_csrf", csrf));
        ShopClient.Response wrongEmail = browser.post("/find-order",
                Map.of("orderNo", order.orderNo(), "email", "thief@example.com", "_csrf", csrf));
        ShopClient.Response right = browser.post("/find-order",
                Map.of("orderNo", order.orderNo(), "email", " lost@example.COM ", "_csrf", csrf));

        assertThat(right.status()).isEqualTo(200);
        assertThat(right.body()).contains("If an order with this number and email exists").doesNotContain(key, "token=");
        assertThat(unknownOrder.status()).isEqualTo(right.status());
        assertThat(wrongEmail.status()).isEqualTo(right.status());
        assertThat(withoutCsrf(unknownOrder.body())).isEqualTo(withoutCsrf(right.body()));
        assertThat(withoutCsrf(wrongEmail.body())).isEqualTo(withoutCsrf(right.body()));

        await().atMost(Duration.ofSeconds(10)).until(() -> TestMail.get().getReceivedMessages().length >= 1);
        Thread.sleep(500); // a wrongly sent second mail would be here by now
        MimeMessage[] mails = TestMail.get().getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getAllRecipients()[0].toString()).isEqualTo("Lost@Example.com");
        String body = GreenMailUtil.getBody(mails[0]).replace("=\r\n", "").replace("=3D", "=");
        assertThat(body).contains("https://shop.example.test/orders/" + order.orderNo() + "?token=" + order.accessToken())
                .doesNotContain(key);
    }

    @Test
    void findMyOrderIsRateLimitedPerAddressAndNeedsItsCsrfToken() {
        StorefrontForms browser = new StorefrontForms(port, "203.0.113.81");
        String csrf = browser.csrfToken("/find-order");
        assertThat(browser.post("/find-order", Map.of("orderNo", "X", "email", "a@example.com")).status()).isEqualTo(403);
        for (int i = 0; i < 3; i++) { // kamiflow.rate-limit.find-order.capacity in application-test.yml (the 403 counted too)
            ShopClient.Response answer = browser.post("/find-order", Map.of("orderNo", "X" + i, "email", "a@example.com", "_csrf", csrf));
            if (i < 2) {
                assertThat(answer.status()).isEqualTo(200);
            } else {
                assertThat(answer.status()).isEqualTo(429);
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.retryAfter()).isPositive();
            }
        }
        assertThat(new StorefrontForms(port, "203.0.113.82").post("/find-order", Map.of()).status())
                .as("another address is not limited (refused for its missing token instead)").isEqualTo(403);
    }

    private static String withoutCsrf(String page) {
        return page.replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "");
    }
}
