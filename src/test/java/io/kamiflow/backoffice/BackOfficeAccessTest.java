package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.kamiflow.security.IdentityBootstrap;
import io.kamiflow.security.ratelimit.RateLimitProperties;
import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Who may open the back office, over real HTTP: deny by default (anonymous to the login page, a support user to the
 * 403 page, odd spellings of the path nowhere further), the owner and shop staff in; CSRF on the login and logout
 * forms; failed logins throttled per address like every other way in; strict headers.
 */
class BackOfficeAccessTest extends IntegrationTest {

    static final String STAFF = "shop-staff";
    static final String STAFF_PASSWORD = "shop-staff-password";

    @Autowired
    IdentityService identity;
    @Autowired
    RateLimitProperties limits;

    @BeforeEach
    void users() {
        SupportDesk.ensureUser(identity);
        SupportDesk.ensureUser(identity, STAFF, STAFF_PASSWORD, IdentityBootstrap.MERCHANT_GROUP);
    }

    @Test
    void anAnonymousVisitorIsSentToTheLoginPageWhateverThePathsSpelling() {
        for (String path : new String[] {"/admin", "/admin/", "/admin/anything", "/admin;jsessionid=x", "/%61dmin",
                "/admin/%2e%2e/admin", "/ADMIN/../admin"}) {
            ShopClient.Response answer = new StorefrontForms(port, "203.0.113.60").get(path, "en");
            assertThat(answer.status()).as(path).isIn(302, 400);
            if (answer.status() == 302) {
                assertThat(StorefrontForms.header(answer, "Location")).as(path).endsWith("/admin/login");
            }
            assertThat(answer.body()).as(path).doesNotContain("Dashboard");
        }
        ShopClient.Response login = new StorefrontForms(port, "203.0.113.60").get("/admin/login", "en");
        assertThat(login.status()).isEqualTo(200);
        assertThat(StorefrontForms.header(login, "Content-Security-Policy")).contains("default-src 'self'", "frame-ancestors 'none'");
        assertThat(login.body()).contains("name=\"_csrf\"", "name=\"username\"", "name=\"password\"");
    }

    @Test
    void theOwnerAndShopStaffGetTheDashboardASupportUserThe403Page() {
        Shop.productWithKeys(shop(), "DASH", "12.50", 3);
        Shop.PlacedOrder order = Shop.order(shop(), "DASH", 2, "dash@example.com");
        assertThat(Shop.pay(shop(), order, "T-DASH").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());

        StorefrontForms owner = loggedIn(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.61");
        ShopClient.Response dashboard = owner.get("/admin", "en");
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Dashboard", "Last 24 hours", "25.00 CNY", "DASH");
        StorefrontForms staff = loggedIn(STAFF, STAFF_PASSWORD, "203.0.113.62");
        assertThat(staff.get("/admin?lang=zh-CN", null).body()).contains("概览", "最近 24 小时", "25.00 CNY");

        StorefrontForms support = loggedIn(SupportDesk.USER, SupportDesk.PASSWORD, "203.0.113.63");
        ShopClient.Response denied = support.get("/admin", "en");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).contains("Not for this account").doesNotContain("25.00 CNY");
    }

    @Test
    void loginAndLogoutNeedTheirFormsToken() {
        StorefrontForms browser = new StorefrontForms(port, "203.0.113.64");
        browser.get("/admin/login", "en");
        ShopClient.Response forged = browser.post("/admin/login",
                Map.of("username", ShopClient.ADMIN_USER, "password", ShopClient.ADMIN_PASSWORD));
        assertThat(forged.status()).as("a login posted without the form's token").isEqualTo(403);
        assertThat(browser.get("/admin", "en").status()).as("not logged in").isEqualTo(302);

        StorefrontForms owner = loggedIn(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.65");
        assertThat(owner.post("/admin/logout", Map.of()).status()).as("a logout without the token").isEqualTo(403);
        assertThat(owner.get("/admin", "en").status()).as("still logged in").isEqualTo(200);
        String token = StorefrontForms.csrfToken(owner.get("/admin", "en"));
        ShopClient.Response loggedOut = owner.post("/admin/logout", Map.of("_csrf", token));
        assertThat(StorefrontForms.header(loggedOut, "Location")).endsWith("/admin/login?logout");
        assertThat(owner.get("/admin", "en").status()).as("logged out").isEqualTo(302);
    }

    @Test
    void failedLoginsAreThrottledPerAddressEvenForTheRightPassword() {
        int allowed = limits.getLoginFailures().getCapacity();
        StorefrontForms guesser = new StorefrontForms(port, "203.0.113.66");
        for (int i = 0; i < allowed; i++) {
            ShopClient.Response wrong = login(guesser, ShopClient.ADMIN_USER, "guess-" + i);
            assertThat(StorefrontForms.header(wrong, "Location")).as("guess " + i).endsWith("/admin/login?error");
        }
        ShopClient.Response throttled = login(guesser, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD);
        assertThat(StorefrontForms.header(throttled, "Location")).endsWith("/admin/login?throttled");
        assertThat(guesser.get("/admin", "en").status()).as("the right password did not get in").isEqualTo(302);
        assertThat(guesser.get("/admin/login?throttled", "en").body()).contains("Too many failed logins");
        // another address is not affected
        assertThat(loggedIn(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.67").get("/admin", "en").status())
                .isEqualTo(200);
    }

    private StorefrontForms loggedIn(String user, String password, String address) {
        return loggedIn(port, user, password, address);
    }

    /** A browser session logged into the back office as {@code user}, its requests from {@code address}. */
    static StorefrontForms loggedIn(int port, String user, String password, String address) {
        StorefrontForms browser = new StorefrontForms(port, address);
        ShopClient.Response answer = login(browser, user, password);
        assertThat(StorefrontForms.header(answer, "Location")).as("login of " + user).doesNotContain("error");
        return browser;
    }

    private static ShopClient.Response login(StorefrontForms browser, String user, String password) {
        String token = StorefrontForms.csrfToken(browser.get("/admin/login", "en"));
        ShopClient.Response answer = browser.post("/admin/login", Map.of("username", user, "password", password, "_csrf", token));
        assertThat(answer.status()).isEqualTo(302);
        return answer;
    }
}
