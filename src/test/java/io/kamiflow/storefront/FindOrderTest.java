package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.security.ratelimit.RateLimitProperties;
import io.kamiflow.support.FakeSmtp;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Metrics;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * "Find my order" over real HTTP and SMTP: the link goes to the order's own address only, the page answers the
 * same whether or not the order exists and never shows keys, and the form is rate-limited per address.
 */
class FindOrderTest extends IntegrationTest {

    @LocalManagementPort
    int managementPort;
    @Autowired
    RateLimitProperties limits;

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
        // kamiflow.rate-limit.find-order.capacity in application-test.yml; the 403 reached no handler and mailed nothing
        for (int i = 0; i < 4; i++) {
            ShopClient.Response answer = browser.post("/find-order", Map.of("orderNo", "X" + i, "email", "a@example.com", "_csrf", csrf));
            if (i < 3) {
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

    /**
     * Mail bombing a known buyer: each spelling of the form's path that reaches it (encoded letters) counts against the
     * address's limit, the ones that reach nothing mail nothing, and the buyer gets at most the limit's mails.
     */
    @Test
    void everySpellingOfFindMyOrderCountsAndTheBuyerGetsNoMoreMailsThanTheLimit() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 1);
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "target@example.com");
        StorefrontForms browser = new StorefrontForms(port, "203.0.113.84");
        String csrf = browser.csrfToken("/find-order");
        Map<String, String> ask = Map.of("orderNo", order.orderNo(), "email", "target@example.com", "_csrf", csrf);
        List<String> reaching = List.of("/find-%6Frder", "/%66ind-order", "/find-orde%72");
        for (String path : reaching) { // the limit's three
            assertThat(browser.post(path, ask).status()).as(path).isEqualTo(200);
        }
        List<String> all = new ArrayList<>(reaching);
        all.addAll(List.of("/find-order", "/find-order/", "/find-order;jsessionid=x", "//find-order", "/./find-order",
                "/x/../find-order", "/FIND-ORDER", "/Find-Order", "/find-order%2F"));
        for (String path : all) {
            ShopClient.Response answer = browser.post(path, ask);
            assertThat(answer.status()).as(path + " after the limit: " + answer.body()).isIn(400, 403, 404, 429);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> mailsTo("target@example.com") >= 3);
        Thread.sleep(1000); // a mail past the limit would be here by now
        assertThat(mailsTo("target@example.com")).isEqualTo(3);
    }

    /** From many addresses (each under its own limit) a known buyer still gets no more link mails than the order's limit. */
    @Test
    void aKnownBuyerGetsNoMoreLinkMailsThanTheOrdersLimitFromManyAddresses() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 1);
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "bombed@example.com");
        int perOrder = limits.getFindOrderPerOrder().getCapacity();
        for (int i = 0; i < perOrder + 3; i++) {
            StorefrontForms browser = new StorefrontForms(port, "198.51.100." + (i + 10));
            // the number as the buyer might type it: the limit is the order's, however it is spelled
            String number = i % 2 == 0 ? order.orderNo() : " " + order.orderNo().toLowerCase() + " ";
            ShopClient.Response answer = browser.post("/find-order", Map.of("orderNo", number, "email", "bombed@example.com",
                    "_csrf", browser.csrfToken("/find-order")));
            if (i < perOrder) {
                assertThat(answer.status()).as("request " + i).isEqualTo(200);
            } else {
                assertThat(answer.status()).as("request " + i).isEqualTo(429);
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.retryAfter()).isPositive();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> mailsTo("bombed@example.com") >= 2);
        Thread.sleep(1000); // a mail past the limit would be here by now
        assertThat(mailsTo("bombed@example.com")).as("the lowercase asks find no order and mail nothing").isEqualTo(2);
        StorefrontForms other = new StorefrontForms(port, "198.51.100.99");
        assertThat(other.post("/find-order", Map.of("orderNo", "SOME-OTHER-ORDER", "email", "x@example.com",
                "_csrf", other.csrfToken("/find-order"))).status()).as("another number").isEqualTo(200);
    }

    /**
     * The link mails wait in a bounded queue. When the mail server is slow and the queue is full, the form says so
     * (503 problem+json with Retry-After) and the refusal is counted: a buyer who asked is never dropped silently.
     */
    @Test
    void aFullLinkMailQueueIsAVisible503ThatIsCounted() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 1);
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "queue@example.com");
        double refusedBefore = Metrics.scrape(managementPort).value(REFUSED_MAILS);
        List<ShopClient.Response> answers = new ArrayList<>();
        int perOrder = limits.getFindOrderPerOrder().getCapacity();
        limits.getFindOrderPerOrder().setCapacity(1000); // one order's mails fill the queue here; its own limit is tested above
        try {
            TestMail.stop();
            long asking = System.nanoTime();
            long askedMillis;
            try (FakeSmtp silent = FakeSmtp.silentOn(TestMail.port())) { // every send waits for its read timeout
                for (int i = 0; i < 130; i++) { // more than the queue holds, each from its own address (no limit in the way)
                    StorefrontForms browser = new StorefrontForms(port, "198.18." + (i / 200) + "." + (i % 200 + 1));
                    answers.add(browser.post("/find-order", Map.of("orderNo", order.orderNo(), "email", "queue@example.com",
                            "_csrf", browser.csrfToken("/find-order"))));
                }
            } finally {
                askedMillis = (System.nanoTime() - asking) / 1_000_000;
                TestMail.start();
            }
            List<ShopClient.Response> refused = answers.stream().filter(answer -> answer.status() != 200).toList();
            assertThat(refused).as("refused while the queue was full").isNotEmpty();
            // the queue's 100 and the one being sent, plus one for each send that timed out (3 s, the tests' SMTP read
            // timeout) while the requests came in: on a loaded machine they come in more slowly
            assertThat(answers.size() - refused.size()).as("accepted in %d ms", askedMillis)
                    .isBetween(101, 102 + (int) (askedMillis / 3000));
            for (ShopClient.Response answer : refused) {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.retryAfter()).isPositive();
                assertThat(answer.json().get("detail").asText()).contains("try again");
            }
            assertThat(Metrics.scrape(managementPort).value(REFUSED_MAILS) - refusedBefore).isEqualTo(refused.size());
            // every accepted request ends as a mail or as a failure in the order's timeline: none is lost silently. Sends
            // that met the silent server's read timeout, or the closed port in the moment before the real server listens
            // again, fail (and are logged; the buyer asks again). How many of the queued ones that is depends on how fast
            // the queue drains against how fast the server comes back (CI once saw all of them fail), so it is not asserted
            int accepted = answers.size() - refused.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> linkMailOutcomes(order.orderNo(), null) == accepted);
            assertThat(Metrics.scrape(managementPort).value(QUEUED_MAILS)).isZero();
            int sentWhileDown = linkMailOutcomes(order.orderNo(), "SENT");
            assertThat(mailsTo("queue@example.com")).as("mails the server took").isEqualTo(sentWhileDown);
            // the queue is empty and the server answers: the next buyer who asks is served again
            StorefrontForms after = new StorefrontForms(port, "198.18.9.1");
            ShopClient.Response asked = after.post("/find-order", Map.of("orderNo", order.orderNo(),
                    "email", "queue@example.com", "_csrf", after.csrfToken("/find-order")));
            assertThat(asked.status()).as("asked after the server came back").isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> linkMailOutcomes(order.orderNo(), null) == accepted + 1);
            assertThat(linkMailOutcomes(order.orderNo(), "SENT")).as("sent once the server answered again")
                    .isEqualTo(sentWhileDown + 1);
            assertThat(mailsTo("queue@example.com")).as("mails the server took").isEqualTo(sentWhileDown + 1);
        } finally {
            limits.getFindOrderPerOrder().setCapacity(perOrder);
        }
    }

    private int linkMailOutcomes(String orderNo, String outcome) {
        return jdbc.queryForObject("SELECT count(*) FROM buyer_mail m JOIN customer_order o ON o.id = m.order_id"
                + " WHERE o.order_no = ? AND m.kind = 'ORDER_LINK' AND (CAST(? AS text) IS NULL OR m.outcome = ?)",
                Integer.class, orderNo, outcome, outcome);
    }

    static final String REFUSED_MAILS = "kamiflow_order_link_mails_refused_total";
    static final String QUEUED_MAILS = "kamiflow_order_link_mails_queued";

    private static String withoutCsrf(String page) {
        return page.replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "");
    }
}
