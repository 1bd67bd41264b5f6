package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * Wrong passwords are throttled per client address, never per account: an attacker guessing the admin's
 * password from one address gets 429, while the admin logs in from another address at once. Distinct
 * clients are simulated with X-Forwarded-For from 127.0.0.1, an internal proxy.
 */
class LoginThrottleTest extends IntegrationTest {

    private static final String ATTACKER = "203.0.113.66";
    private static final String ADMIN_HOST = "203.0.113.67";

    @Autowired
    IdentityService identity;
    @Value("${kamiflow.rate-limit.login-failures.capacity:10}")
    int allowedFailures;

    @AfterEach
    void unlockAdmin() {
        identity.unlockUser(ShopClient.ADMIN_USER); // a failing run must not lock the shared admin out of later tests
    }

    @Test
    void adminApiThrottlesTheAddressNotTheAccount() {
        Status attacked = attack(password -> basicGet("/api/admin/products/NONE/stock", password, ATTACKER));

        ShopClient.Response admin = basicGet("/api/admin/products/NONE/stock", ShopClient.ADMIN_PASSWORD, ADMIN_HOST);
        assertThat(admin.status()).as(admin.body()).isEqualTo(404); // authenticated: the product is just unknown
        assertThat(attacked.first).isEqualTo(401);
        assertTooManyFailures(attacked.last);
        // the attacker stays refused, even with the right password
        assertTooManyFailures(basicGet("/api/admin/products/NONE/stock", ShopClient.ADMIN_PASSWORD, ATTACKER));
    }

    @Test
    void engineRestThrottlesTheAddressNotTheAccount() {
        Status attacked = attack(password -> basicGet("/engine-rest/process-definition/count", password, ATTACKER));

        ShopClient.Response admin = basicGet("/engine-rest/process-definition/count", ShopClient.ADMIN_PASSWORD, ADMIN_HOST);
        assertThat(admin.status()).as(admin.body()).isEqualTo(200);
        assertThat(attacked.first).isEqualTo(401);
        assertTooManyFailures(attacked.last);
    }

    @Test
    void webappLoginThrottlesTheAddressNotTheAccount() {
        Status attacked = attack(password -> webappLogin(password, ATTACKER));

        assertThat(webappLogin(ShopClient.ADMIN_PASSWORD, ADMIN_HOST).status()).isEqualTo(200);
        assertThat(attacked.first).isEqualTo(401);
        assertTooManyFailures(attacked.last);
    }

    @Test
    void successfulLoginsDoNotCount() {
        for (int i = 0; i < allowedFailures + 5; i++) {
            assertThat(basicGet("/engine-rest/process-definition/count", ShopClient.ADMIN_PASSWORD, ATTACKER).status())
                    .isEqualTo(200);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();
    }

    @Test
    void requestsWithoutCredentialsAreNoGuesses() {
        for (int i = 0; i < allowedFailures + 2; i++) {
            assertThat(shop().send("GET", "/engine-rest/process-definition/count", null, null,
                    Map.of("X-Forwarded-For", ATTACKER)).status()).isEqualTo(401);
        }
        // the browser's first, credential-less request is answered with a challenge, not counted
        assertThat(basicGet("/engine-rest/process-definition/count", "wrong-password", ATTACKER).status()).isEqualTo(401);
        assertThat(basicGet("/engine-rest/process-definition/count", ShopClient.ADMIN_PASSWORD, ATTACKER).status())
                .isEqualTo(200);
    }

    private record Status(int first, ShopClient.Response last) {
    }

    /** More wrong passwords than allowed; more than Camunda's own 10 attempts, so its lock would show. */
    private Status attack(java.util.function.Function<String, ShopClient.Response> attempt) {
        int first = attempt.apply("wrong-password-0").status();
        ShopClient.Response last = null;
        for (int i = 1; i <= Math.max(allowedFailures, 10) + 2; i++) {
            last = attempt.apply("wrong-password-" + i);
        }
        return new Status(first, last);
    }

    private static void assertTooManyFailures(ShopClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains("failed logins");
        assertThat(response.retryAfter()).isPositive();
    }

    private ShopClient.Response basicGet(String path, String password, String clientAddress) {
        String basic = Base64.getEncoder().encodeToString(
                (ShopClient.ADMIN_USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        return shop().send("GET", path, null, null,
                Map.of("Authorization", "Basic " + basic, "X-Forwarded-For", clientAddress));
    }

    /** Logs into Cockpit like the browser does (XSRF cookie echoed), from the given client address. */
    private ShopClient.Response webappLogin(String password, String clientAddress) {
        try {
            CookieManager cookies = new CookieManager();
            HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
            String base = "http://127.0.0.1:" + port + "/camunda";
            browser.send(HttpRequest.newBuilder(URI.create(base + "/app/cockpit/default/")).build(),
                    HttpResponse.BodyHandlers.discarding());
            String xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                    .findFirst().orElseThrow().getValue();
            HttpResponse<String> response = browser.send(HttpRequest.newBuilder(
                            URI.create(base + "/api/admin/auth/user/default/login/cockpit"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", xsrf)
                    .header("X-Forwarded-For", clientAddress)
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + ShopClient.ADMIN_USER + "&password=" + password))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return ShopClient.Response.of(response);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
