package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** With Camunda authorization on, support works its tasks in Tasklist and sees nothing else of Camunda. */
class SupportAuthorizationTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    @BeforeEach
    void supportUser() {
        SupportDesk.ensureUser(identity);
    }

    @Test
    void supportCompletesItsTaskThroughTheRestCallsTasklistMakesAndSeesNoProcessData() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "AUTH", "20.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "AUTH", 1, "authz@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "AUTH-1", "2.00", "CNY"));
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery().count() == 1);

        JsonNode tasks = support(shop, "GET", "/engine-rest/task", null).json();
        assertThat(tasks).hasSize(1);
        String taskId = tasks.get(0).get("id").asText();
        assertThat(tasks.get(0).get("name").asText()).isEqualTo("Review payment for order " + order.orderNo());
        assertThat(support(shop, "GET", "/engine-rest/task/" + taskId + "/form-variables", null).json()
                .get("discrepancy").get("value").asText()).isEqualTo("AMOUNT_MISMATCH");
        assertThat(support(shop, "GET", "/engine-rest/task/" + taskId + "/deployed-form", null).json()
                .get("id").asText()).isEqualTo("review-payment");

        // process data is not support's: outside the calls Tasklist needs, every call is refused (SupportApiAllowlistTest)
        assertThat(support(shop, "GET", "/engine-rest/process-instance", null).status()).isEqualTo(403);
        assertThat(admin(shop, "GET", "/engine-rest/process-instance", null).json()).hasSize(1);
        assertThat(support(shop, "GET", "/engine-rest/authorization", null).status()).isEqualTo(403);

        assertThat(support(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{\"reviewDecision\":{\"value\":\"refund\"}}}").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> "REFUNDED".equals(
                jdbc.queryForObject("SELECT status FROM customer_order", String.class)));
    }

    @Test
    void supportReturnsTheMoneyByHandThroughTheDeployedFormOfTheCalledRefundProcess() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "AUTH", "20.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "AUTH", 1, "authz-refund@example.com");
        assertThat(Shop.pay(shop, order, "AUTH-2").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        jdbc.update("UPDATE payment SET channel = 'retired-gateway'"); // no gateway can return it
        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", null, null).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery().count() == 1);

        JsonNode tasks = support(shop, "GET", "/engine-rest/task", null).json();
        assertThat(tasks).hasSize(1);
        String taskId = tasks.get(0).get("id").asText();
        assertThat(tasks.get(0).get("name").asText()).isEqualTo("Return the money by hand for order " + order.orderNo());
        assertThat(support(shop, "GET", "/engine-rest/task/" + taskId + "/form-variables", null).json()
                .get("refundAmount").get("value").asText()).isEqualTo("20.00");
        assertThat(support(shop, "GET", "/engine-rest/task/" + taskId + "/deployed-form", null).json()
                .get("id").asText()).isEqualTo("return-money-by-hand");

        ShopClient.Response refused = support(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{\"manualRefundNote\":{\"value\":\"forgot the reference\"}}}");
        assertThat(refused.status()).isNotEqualTo(204);
        assertThat(refused.body()).contains("manualRefundReference");
        assertThat(support(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{\"manualRefundReference\":{\"value\":\"WIRE-7781\"}}}").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> "MANUAL_DONE".equals(
                jdbc.queryForObject("SELECT refund_status FROM payment", String.class)));
        assertThat(jdbc.queryForObject("SELECT refund_reference FROM payment", String.class)).isEqualTo("WIRE-7781");
    }

    @Test
    void supportMayLogIntoTasklistButNotCockpitOrAdmin() {
        ShopClient shop = shop();
        assertThat(login(shop, "tasklist", SupportDesk.USER, SupportDesk.PASSWORD)).isEqualTo(200);
        assertThat(login(shop, "cockpit", SupportDesk.USER, SupportDesk.PASSWORD)).isIn(401, 403);
        assertThat(login(shop, "admin", SupportDesk.USER, SupportDesk.PASSWORD)).isIn(401, 403);
        assertThat(login(shop, "cockpit", ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD)).isEqualTo(200);
    }

    /** Logs in like the browser does: the webapp hands out an XSRF cookie that the login POST must echo. */
    private int login(ShopClient shop, String app, String user, String password) {
        try {
            java.net.CookieManager cookies = new java.net.CookieManager();
            java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder().cookieHandler(cookies).build();
            String base = "http://127.0.0.1:" + port + "/camunda";
            browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/app/" + app + "/default/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            String xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                    .findFirst().orElseThrow().getValue();
            return browser.send(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(base + "/api/admin/auth/user/default/login/" + app))
                            .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", xsrf)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password))
                            .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ShopClient.Response support(ShopClient shop, String method, String path, String json) {
        return shop.send(method, path, json == null ? null : "application/json", json, basic(SupportDesk.USER, SupportDesk.PASSWORD));
    }

    private static ShopClient.Response admin(ShopClient shop, String method, String path, String json) {
        return shop.send(method, path, json == null ? null : "application/json", json,
                basic(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD));
    }

    private static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
