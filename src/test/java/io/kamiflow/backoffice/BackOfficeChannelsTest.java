package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.kamiflow.security.IdentityBootstrap;
import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import io.kamiflow.support.TestGatewayKeys;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 20 over real HTTP: the owner's payment channels page (notify URLs, never a secret), the dashboard's order
 * promises, and a product's key batches (counts, void of the unsold keys only, race-safe against checkouts, and the
 * owner's password-checked export).
 */
class BackOfficeChannelsTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    @BeforeEach
    void users() {
        SupportDesk.ensureUser(identity);
        SupportDesk.ensureUser(identity, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD,
                IdentityBootstrap.MERCHANT_GROUP);
    }

    private StorefrontForms owner(String address) {
        return BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, address);
    }

    private StorefrontForms staff(String address) {
        return BackOfficeAccessTest.loggedIn(port, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD, address);
    }

    @Test
    void onlyTheOwnerSeesTheChannelsPageWithNotifyUrlsAndNoSecret() {
        ShopClient.Response anonymous = new StorefrontForms(port, "203.0.113.80").get("/admin/channels", "en");
        assertThat(anonymous.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(anonymous, "Location")).endsWith("/admin/login");

        StorefrontForms support = BackOfficeAccessTest.loggedIn(port, SupportDesk.USER, SupportDesk.PASSWORD, "203.0.113.81");
        assertThat(support.get("/admin/channels", "en").status()).isEqualTo(403);

        StorefrontForms staff = staff("203.0.113.82");
        ShopClient.Response denied = staff.get("/admin/channels", "en");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).contains("Not for this account").doesNotContain("/api/payments/");
        assertThat(staff.get("/admin", "en").body()).doesNotContain("href=\"/admin/channels\"");

        Shop.productWithKeys(shop(), "CHAN", "5.00", 2);
        Shop.PlacedOrder order = Shop.order(shop(), "CHAN", 1, "chan@example.com");
        assertThat(Shop.pay(shop(), order, "T-CHAN-1").status()).isEqualTo(200);

        StorefrontForms owner = owner("203.0.113.83");
        assertThat(owner.get("/admin", "en").body()).contains("href=\"/admin/channels\"");
        ShopClient.Response page = owner.get("/admin/channels", "en");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Payment channels",
                "https://shop.example.test/api/payments/alipay/notify",
                "https://shop.example.test/api/payments/wechat/notify",
                "https://shop.example.test/api/payments/epay/notify",
                "https://shop.example.test/api/payments/sandbox/notify",
                "https://shop.example.test/api/payments/stripe/webhook",
                "this node, since it started", "accepted");
        String body = page.body();
        for (String secret : new String[] {"test-sandbox-secret", TestGatewayKeys.STRIPE_WEBHOOK_SECRET,
                TestGatewayKeys.STRIPE_API_KEY, TestGatewayKeys.EPAY_KEY, TestGatewayKeys.WECHAT_API_V3_KEY,
                TestGatewayKeys.base64(TestGatewayKeys.ALIPAY_MERCHANT.getPrivate().getEncoded()).substring(0, 40),
                TestGatewayKeys.base64(TestGatewayKeys.WECHAT_MERCHANT.getPrivate().getEncoded()).substring(0, 40),
                TestGatewayKeys.base64(TestGatewayKeys.ALIPAY_GATEWAY.getPublic().getEncoded()).substring(0, 40)}) {
            assertThat(body).doesNotContain(secret);
        }
        ShopClient.Response chinese = owner.get("/admin/channels?lang=zh-CN", null);
        assertThat(chinese.body()).contains("支付渠道", "回调地址", "本节点自启动以来");
    }

    @Test
    void theDashboardNamesBrokenPromisesWithTheirOrdersAndSaysWhenAllHold() {
        Shop.productWithKeys(shop(), "PROM", "3.00", 3);
        Shop.PlacedOrder order = Shop.order(shop(), "PROM", 1, "prom@example.com");
        StorefrontForms staff = staff("203.0.113.84");
        assertThat(staff.get("/admin", "en").body()).contains("All promises hold");

        // break one by hand: the order (reserved one key) now holds all three
        List<Long> free = jdbc.queryForList("SELECT id FROM card_key WHERE status = 'AVAILABLE'", Long.class);
        Long orderId = jdbc.queryForObject("SELECT id FROM customer_order WHERE order_no = ?", Long.class, order.orderNo());
        jdbc.update("UPDATE card_key SET status = 'RESERVED', order_id = ? WHERE status = 'AVAILABLE'", orderId);
        try {
            ShopClient.Response broken = staff.get("/admin", "en");
            assertThat(broken.body()).contains("an order holds more keys than it bought",
                    "href=\"/admin/orders/" + order.orderNo() + "\"").doesNotContain("All promises hold");
            assertThat(staff.get("/admin?lang=zh-CN", null).body()).contains("订单承诺");
        } finally {
            jdbc.update("UPDATE card_key SET status = 'AVAILABLE', order_id = NULL WHERE id IN ("
                    + String.join(",", free.stream().map(String::valueOf).toList()) + ")");
        }
    }

    @Test
    void batchesAreListedWithCountsAndVoidingTouchesOnlyTheAvailableKeysOfThatBatch() {
        Shop.productWithKeys(shop(), "BATCH", "2.00", 4);          // batch A
        shop().generateKeys("BATCH", 2);                           // batch B
        String batchA = jdbc.queryForObject("SELECT batch_id FROM card_key ORDER BY id LIMIT 1", String.class);
        String batchB = jdbc.queryForObject("SELECT batch_id FROM card_key ORDER BY id DESC LIMIT 1", String.class);
        Shop.PlacedOrder paid = Shop.order(shop(), "BATCH", 1, "one@example.com");   // takes A's first key
        assertThat(Shop.pay(shop(), paid, "T-BATCH-1").status()).isEqualTo(200);
        Shop.order(shop(), "BATCH", 1, "two@example.com");                        // reserves A's second key
        awaitSold(1);

        StorefrontForms staff = staff("203.0.113.85");
        ShopClient.Response page = staff.get("/admin/products/BATCH", "en");
        assertThat(page.body()).contains("Key batches", batchA.substring(0, 8), batchB.substring(0, 8));
        assertThat(row(page.body(), batchA)).contains("<td class=\"number available\">2</td>",
                "<td class=\"number reserved\">1</td>", "<td class=\"number sold\">1</td>");
        assertThat(row(page.body(), batchB)).contains("<td class=\"number available\">2</td>");
        assertThat(page.body()).doesNotContain("name=\"password\""); // the export is the owner's

        String token = StorefrontForms.csrfToken(page);
        String voidA = "/admin/products/BATCH/batches/" + batchA + "/void";
        assertThat(staff.post(voidA, Map.of("_csrf", token)).status()).isEqualTo(302); // not confirmed
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'VOID'", Long.class)).isZero();
        assertThat(staff.post(voidA, Map.of("confirm", "yes")).status()).isEqualTo(403); // no token

        ShopClient.Response voided = staff.post(voidA, Map.of("_csrf", token, "confirm", "yes"));
        assertThat(StorefrontForms.header(voided, "Location")).contains("voided=2");
        assertThat(jdbc.queryForList("SELECT batch_id || ' ' || status || ' ' || count(*) FROM card_key "
                + "GROUP BY batch_id, status ORDER BY 1", String.class)).containsExactlyInAnyOrder(
                batchA + " RESERVED 1", batchA + " SOLD 1", batchA + " VOID 2", batchB + " AVAILABLE 2");
        assertThat(staff.get("/admin/products/BATCH?voided=2", "en").body()).contains("2 unsold keys voided");
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action || ' ' || detail FROM audit_event WHERE action = 'keys.void'",
                String.class)).containsExactly(BackOfficeAccessTest.STAFF + " keys.void batch " + batchA + ": voided 2 unsold keys");
        assertThat(invariants.check()).isEmpty();
    }

    @Test
    void theExportNeedsTheOwnersPasswordAndHoldsExactlyTheBatchsUnsoldKeys() {
        Shop.productWithKeys(shop(), "EXP", "2.00", 0);
        shop().createProduct("OTHER", "1.00", "CNY", 0);
        StorefrontForms owner = owner("203.0.113.86");
        String token = StorefrontForms.csrfToken(owner.get("/admin/products/EXP", "en"));
        owner.postMultipart("/admin/products/EXP/keys?_csrf=" + token, Map.of("_csrf", token,
                "keys", "EXP-AAA-1\nEXP-BBB-2\nEXP-CCC-3\n"), "file", null, null);
        shop().generateKeys("EXP", 1); // another batch
        String batch = jdbc.queryForObject("SELECT batch_id FROM card_key ORDER BY id LIMIT 1", String.class);
        Shop.PlacedOrder order = Shop.order(shop(), "EXP", 1, "exp@example.com"); // reserves EXP-AAA-1
        ShopClient.Response page = owner.get("/admin/products/EXP", "en");
        assertThat(page.body()).contains("name=\"password\"").doesNotContain("EXP-AAA", "EXP-BBB");
        String path = "/admin/products/EXP/batches/" + batch + "/export";

        ShopClient.Response wrong = owner.post(path, Map.of("_csrf", token, "password", "not-the-password"));
        assertThat(wrong.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(wrong, "Location")).contains("batchError=password");
        assertThat(wrong.body()).doesNotContain("EXP-");
        assertThat(owner.get("/admin/products/EXP?batchError=password", "en").body()).contains("Wrong password");

        StorefrontForms staff = staff("203.0.113.87");
        String staffToken = StorefrontForms.csrfToken(staff.get("/admin/products/EXP", "en"));
        ShopClient.Response byStaff = staff.post(path, Map.of("_csrf", staffToken, "password", BackOfficeAccessTest.STAFF_PASSWORD));
        assertThat(byStaff.status()).isEqualTo(403);
        assertThat(byStaff.body()).doesNotContain("EXP-");

        ShopClient.Response file = owner.post(path, Map.of("_csrf", token, "password", ShopClient.ADMIN_PASSWORD));
        assertThat(file.status()).isEqualTo(200);
        assertThat(StorefrontForms.header(file, "Cache-Control")).isEqualTo("no-store");
        assertThat(StorefrontForms.header(file, "Content-Disposition")).contains("attachment", "keys-EXP-" + batch.substring(0, 8));
        assertThat(file.body().split("\r\n")).containsExactly("EXP-BBB-2", "EXP-CCC-3");

        assertThat(jdbc.queryForList("SELECT actor || ' ' || action || ' ' || detail FROM audit_event "
                + "WHERE action LIKE 'key.export%' ORDER BY id", String.class)).containsExactly(
                "admin key.export.refused batch " + batch + ": wrong password, nothing exported",
                "admin key.export batch " + batch + ": exported 2 unsold keys");
        assertThat(jdbc.queryForObject("SELECT string_agg(detail, ' ') FROM audit_event", String.class))
                .doesNotContain("EXP-AAA", "EXP-BBB", "EXP-CCC");
        assertThat(order.orderNo()).isNotEmpty();
    }

    @Test
    void voidingRacingCheckoutsNeverLeavesAKeyBothReservedAndVoid() throws Exception {
        Shop.productWithKeys(shop(), "RACE", "1.00", 20);
        String batch = jdbc.queryForObject("SELECT batch_id FROM card_key LIMIT 1", String.class);
        StorefrontForms owner = owner("203.0.113.88");
        String token = StorefrontForms.csrfToken(owner.get("/admin/products/RACE", "en"));

        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Integer>> work = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                work.add(() -> shop().createOrder("RACE", 1, "race" + n + "@example.com", "sandbox").status());
                if (i == 4) {
                    work.add(() -> owner.post("/admin/products/RACE/batches/" + batch + "/void",
                            Map.of("_csrf", token, "confirm", "yes")).status());
                }
            }
            List<Future<Integer>> answers = pool.invokeAll(work);
            int created = 0;
            for (Future<Integer> answer : answers) {
                if (answer.get() == 201) {
                    created++;
                }
            }
            long reserved = jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Long.class);
            long voided = jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'VOID'", Long.class);
            long available = jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Long.class);
            assertThat(reserved).as("every accepted checkout holds its key").isEqualTo(created);
            assertThat(available).isZero();
            assertThat(reserved + voided).isEqualTo(20);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'VOID' AND order_id IS NOT NULL",
                    Long.class)).isZero();
            String detail = jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'keys.void'", String.class);
            assertThat(detail).endsWith("voided " + voided + " unsold keys");
            assertThat(invariants.check()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    private void awaitSold(int sold) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Long.class) < sold) {
            assertThat(System.currentTimeMillis()).as("keys sold in time").isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String row(String body, String batchId) {
        int start = body.indexOf("data-batch=\"" + batchId + "\"");
        assertThat(start).as("row of " + batchId).isPositive();
        return body.substring(start, body.indexOf("</tr>", start));
    }
}
