package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.kamiflow.notify.WebhookReceiver;
import io.kamiflow.security.IdentityBootstrap;
import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * /admin/notifications over real HTTP: the owner's alone, CSRF on every form, a webhook's secret shown once and never
 * again (nor in the audit or the table in clear), "send test" reaching a receiver that checks the signature.
 */
class NotificationPagesTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    @BeforeEach
    void users() {
        SupportDesk.ensureUser(identity);
        SupportDesk.ensureUser(identity, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD,
                IdentityBootstrap.MERCHANT_GROUP);
    }

    @Test
    void onlyTheOwnerReachesTheNotificationsPage() {
        ShopClient.Response anonymous = new StorefrontForms(port, "203.0.113.120").get("/admin/notifications", "en");
        assertThat(anonymous.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(anonymous, "Location")).endsWith("/admin/login");
        StorefrontForms staff = BackOfficeAccessTest.loggedIn(port, BackOfficeAccessTest.STAFF,
                BackOfficeAccessTest.STAFF_PASSWORD, "203.0.113.121");
        assertThat(staff.get("/admin/notifications", "en").status()).isEqualTo(403);
        assertThat(staff.get("/admin", "en").body()).doesNotContain("href=\"/admin/notifications\"");
        String token = StorefrontForms.csrfToken(staff.get("/admin/products", "en"));
        assertThat(staff.post("/admin/notifications", Map.of("_csrf", token, "name", "x", "kind", "MAIL")).status())
                .isEqualTo(403);

        StorefrontForms owner = owner("203.0.113.122");
        assertThat(owner.get("/admin", "en").body()).contains("href=\"/admin/notifications\"");
        ShopClient.Response page = owner.get("/admin/notifications", "en");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>Notifications</h1>", "New target");
        assertThat(owner.get("/admin/notifications?lang=zh-CN", null).body()).contains("<h1>通知</h1>", "新增通知目标");
        assertThat(owner.post("/admin/notifications", Map.of("name", "no token", "kind", "MAIL")).status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM notify_target", Integer.class)).isZero();
    }

    @Test
    void aWebhooksSecretIsShownOnceAndSendTestReachesTheReceiver() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            StorefrontForms owner = owner("203.0.113.123");
            String token = StorefrontForms.csrfToken(owner.get("/admin/notifications", "en"));

            ShopClient.Response refused = owner.post("/admin/notifications", Map.of("_csrf", token, "name", "shop",
                    "kind", "WEBHOOK", "url", "ftp://example.com/x", "events", "ORDER_PAID"));
            assertThat(refused.status()).isEqualTo(302);
            assertThat(owner.get("/admin/notifications", "en").body()).contains("Enter an http:// or https:// address.");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM notify_target", Integer.class)).isZero();

            ShopClient.Response created = owner.post("/admin/notifications", Map.of("_csrf", token, "name", "my shop",
                    "kind", "WEBHOOK", "url", receiver.url("/hook"), "events", "ORDER_PAID"));
            assertThat(created.status()).isEqualTo(302);
            String shown = owner.get("/admin/notifications", "en").body();
            java.util.regex.Matcher secret = java.util.regex.Pattern.compile("whsec_[0-9a-f]{64}").matcher(shown);
            assertThat(secret.find()).as(shown).isTrue();
            receiver.secret(secret.group());
            String again = owner.get("/admin/notifications", "en").body();
            assertThat(again).contains("my shop", receiver.url("/hook")).doesNotContain(secret.group(), "whsec_");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'notify.target.create'"
                    + " AND actor = ?", Integer.class, ShopClient.ADMIN_USER)).isOne();
            assertThat(jdbc.queryForList("SELECT detail FROM audit_event", String.class))
                    .noneMatch(detail -> detail != null && detail.contains(secret.group()));
            assertThat(new String(jdbc.queryForObject("SELECT secret_ciphertext FROM notify_target", byte[].class),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret.group());

            long id = jdbc.queryForObject("SELECT id FROM notify_target", Long.class);
            assertThat(owner.post("/admin/notifications/" + id + "/test", Map.of("_csrf", token)).status()).isEqualTo(302);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 1);
            assertThat(receiver.received().get(0).signatureValid()).isTrue();
            assertThat(receiver.received().get(0).event()).isEqualTo("test");
            await().atMost(Duration.ofSeconds(10)).until(() -> owner.get("/admin/notifications", "en").body()
                    .contains(">sent<"));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'notify.target.test'",
                    Integer.class)).isOne();

            assertThat(owner.post("/admin/notifications/" + id, Map.of("_csrf", token, "events", "LOW_STOCK")).status())
                    .isEqualTo(302);
            assertThat(jdbc.queryForMap("SELECT events, enabled FROM notify_target WHERE id = ?", id))
                    .containsEntry("events", "LOW_STOCK").containsEntry("enabled", false);
            assertThat(owner.post("/admin/notifications/" + id + "/delete", Map.of("_csrf", token, "confirm", "yes"))
                    .status()).isEqualTo(302);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM notify_target", Integer.class)).isZero();
        }
    }

    private StorefrontForms owner(String address) {
        return BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, address);
    }
}
