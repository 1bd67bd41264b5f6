package io.kamiflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mail server goes down with the job executor running and the real (test-length) retry timers:
 * back in time -> one mail; down for the whole schedule -> a Manual delivery task that support
 * completes through the REST API the way Tasklist does.
 */
class SmtpOutageTest extends IntegrationTest {

    @AfterEach
    void mailServerBack() {
        TestMail.start();
    }

    @Test
    void mailServerBackMidScheduleDeliversExactlyOnce() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "OUT", "3.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "OUT", 1, "patient@example.com");
        TestMail.stop();
        Shop.pay(shop, order, "OUT-1");

        await().atMost(Duration.ofSeconds(20)).until(() -> failedAttempts() >= 1);
        TestMail.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(status(order)));

        assertThat(TestMail.get().getReceivedMessagesForDomain("patient@example.com")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class)).isEqualTo(1);
        assertThat(engine.getTaskService().createTaskQuery().count()).isZero();
    }

    @Test
    void mailServerDownForTheWholeScheduleHandsOverToSupportWhoResends() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "OUT", "3.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "OUT", 1, "unlucky@example.com");
        TestMail.stop();
        Shop.pay(shop, order, "OUT-2");

        await().atMost(Duration.ofSeconds(40)).until(() -> "MANUAL".equals(status(order)));
        assertThat(failedAttempts()).isEqualTo(4); // first try + the three waits of the test schedule

        JsonNode task = support(shop, "GET", "/engine-rest/task?processInstanceBusinessKey=" + order.orderNo(), null).json().get(0);
        assertThat(task.get("name").asText()).isEqualTo("Manual delivery for order " + order.orderNo());
        String taskId = task.get("id").asText();
        JsonNode formVariables = support(shop, "GET", "/engine-rest/task/" + taskId + "/form-variables", null).json();
        assertThat(formVariables.get("lastDeliveryError").get("value").asText()).contains("Connection refused");
        assertThat(formVariables.get("buyerEmailMasked").get("value").asText()).isEqualTo("u***@example.com");
        ShopClient.Response form = support(shop, "GET", "/engine-rest/task/" + taskId + "/deployed-form", null);
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.json().get("id").asText()).isEqualTo("manual-delivery");

        ShopClient.Response refused = support(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{\"manualAction\":{\"value\":\"resend\"},\"correctedEmail\":{\"value\":\"nope\"}}}");
        assertThat(refused.status()).isGreaterThanOrEqualTo(400);
        assertThat(refused.body()).contains("correctedEmail");

        TestMail.start();
        ShopClient.Response submitted = support(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{\"manualAction\":{\"value\":\"resend\"},\"manualNote\":{\"value\":\"SMTP is back\"}}}");
        assertThat(submitted.status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(status(order)));
        assertThat(TestMail.get().getReceivedMessagesForDomain("unlucky@example.com")).hasSize(1);
    }

    private ShopClient.Response support(ShopClient shop, String method, String path, String json) {
        String basic = java.util.Base64.getEncoder().encodeToString("admin:admin-test-password".getBytes());
        return shop.send(method, path, json == null ? null : "application/json", json, Map.of("Authorization", "Basic " + basic));
    }

    private int failedAttempts() {
        return jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'FAILED_TRANSIENT'", Integer.class);
    }

    private String status(Shop.PlacedOrder order) {
        return jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, order.orderNo());
    }
}
