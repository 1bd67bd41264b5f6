package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kamiflow.security.IdentityBootstrap;
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
 * The back office's Orders over real HTTP: the list with its filters, search and keyset pages, the CSV export
 * (BOM, quoting, formula escaping), the detail with Cockpit's timeline, and resend and refund behind CSRF, a
 * confirmation and (refund) a reason, answered in the user's language. No key value in any page.
 */
class BackOfficeOrdersTest extends IntegrationTest {

    private static final String KEY_MARK = "SECRETKEYVALUE";

    @Autowired
    IdentityService identity;

    @BeforeEach
    void users() {
        SupportDesk.ensureUser(identity);
        SupportDesk.ensureUser(identity, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD,
                IdentityBootstrap.MERCHANT_GROUP);
    }

    @Test
    void ownerAndStaffListFilterSearchAndPageOrders() {
        productWithKnownKeys("BO-LIST", "3.00", 10);
        Shop.productWithKeys(shop(), "BO-OTHER", "7.00", 2);
        Shop.PlacedOrder paid = Shop.order(shop(), "BO-LIST", 2, "alice@example.com");
        assertThat(Shop.pay(shop(), paid, "T-BO-LIST").body()).isEqualTo("success");
        awaitDelivered(paid.orderNo());
        Shop.PlacedOrder open = Shop.order(shop(), "BO-LIST", 1, "bob@example.com");
        Shop.PlacedOrder other = Shop.order(shop(), "BO-OTHER", 1, "carol@example.com");

        StorefrontForms owner = loggedIn(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.70");
        ShopClient.Response list = owner.get("/admin/orders", "en");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("Orders", paid.orderNo(), open.orderNo(), other.orderNo(), "a***@example.com",
                "6.00", "DELIVERED", "sandbox").doesNotContain("alice@example.com");
        assertThat(list.body().indexOf(other.orderNo())).as("newest first").isLessThan(list.body().indexOf(paid.orderNo()));

        assertThat(owner.get("/admin/orders?status=DELIVERED", "en").body()).contains(paid.orderNo())
                .doesNotContain(open.orderNo(), other.orderNo());
        assertThat(owner.get("/admin/orders?sku=BO-OTHER", "en").body()).contains(other.orderNo())
                .doesNotContain(paid.orderNo(), open.orderNo());
        assertThat(owner.get("/admin/orders?email=bob@example.com", "en").body()).contains(open.orderNo())
                .doesNotContain(paid.orderNo(), other.orderNo());
        assertThat(owner.get("/admin/orders?orderNo=" + paid.orderNo(), "en").body()).contains(paid.orderNo())
                .doesNotContain(open.orderNo(), other.orderNo());
        assertThat(owner.get("/admin/orders?channel=sandbox&from=2000-01-01&to=2999-12-31", "en").body())
                .contains(paid.orderNo(), open.orderNo(), other.orderNo());

        ShopClient.Response first = owner.get("/admin/orders?size=2", "en");
        assertThat(first.body()).contains(other.orderNo(), open.orderNo()).doesNotContain(paid.orderNo())
                .contains("after=" + open.orderNo());
        assertThat(owner.get("/admin/orders?size=2&after=" + open.orderNo(), "en").body()).contains(paid.orderNo())
                .doesNotContain(">" + other.orderNo() + "<");

        ShopClient.Response bad = owner.get("/admin/orders?status=NOPE&from=yesterday", "en");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("class=\"error\"", "status must be one of");

        StorefrontForms staff = loggedIn(BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD, "203.0.113.71");
        ShopClient.Response zh = staff.get("/admin/orders?lang=zh-CN&status=DELIVERED", null);
        assertThat(zh.status()).isEqualTo(200);
        assertThat(zh.body()).contains("订单", paid.orderNo()).doesNotContain(open.orderNo());
        assertNoKeyIn(list.body(), first.body(), zh.body());
    }

    @Test
    void supportIsDeniedAndAnonymousGoesToTheLoginPage() {
        ShopClient.Response anonymous = new StorefrontForms(port, "203.0.113.72").get("/admin/orders", "en");
        assertThat(anonymous.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(anonymous, "Location")).endsWith("/admin/login");
        assertThat(new StorefrontForms(port, "203.0.113.72").get("/admin/orders.csv", "en").status()).isEqualTo(302);

        StorefrontForms support = loggedIn(SupportDesk.USER, SupportDesk.PASSWORD, "203.0.113.73");
        assertThat(support.get("/admin/orders", "en").status()).isEqualTo(403);
        assertThat(support.get("/admin/orders.csv", "en").status()).isEqualTo(403);
        assertThat(support.get("/admin/orders/KF-NOPE", "en").status()).isEqualTo(403);
    }

    @Test
    void theCsvExportHasABomQuotesAndEscapesFormulasAndIsAudited() {
        Shop.productWithKeys(shop(), "BO-CSV", "4.00", 4);
        productWithKnownKeys("BO-CSV2", "4.00", 4);
        Shop.PlacedOrder plain = Shop.order(shop(), "BO-CSV2", 1, "dave@example.com");
        Shop.PlacedOrder formula = Shop.order(shop(), "BO-CSV", 1, "eve@example.com");
        // what a hostile product name or address could put in a spreadsheet
        jdbc.update("UPDATE product SET sku = '=HYPERLINK(\"x\",\"y\")' WHERE sku = 'BO-CSV'");
        jdbc.update("UPDATE customer_order SET buyer_email = '+eve@example.com' WHERE order_no = ?", formula.orderNo());

        StorefrontForms owner = loggedIn(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.74");
        ShopClient.Response csv = owner.get("/admin/orders.csv?channel=sandbox", "en");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(StorefrontForms.header(csv, "Content-Type")).startsWith("text/csv").containsIgnoringCase("utf-8");
        assertThat(StorefrontForms.header(csv, "Content-Disposition")).contains("attachment", ".csv");
        assertThat(csv.body()).startsWith("\uFEFF");
        List<String> lines = csv.body().substring(1).lines().toList();
        assertThat(lines.get(0)).startsWith("order_no,created_at,");
        String formulaLine = lines.stream().filter(l -> l.startsWith(formula.orderNo())).findFirst().orElseThrow();
        assertThat(formulaLine).contains(",\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\",", "'+***@example.com");
        assertThat(lines).anyMatch(l -> l.startsWith(plain.orderNo()) && l.contains(",BO-CSV2,") && l.contains("d***@example.com"));
        assertThat(csv.body()).doesNotContain("dave@example.com");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'order.export' AND actor = ?",
                Integer.class, ShopClient.ADMIN_USER)).isEqualTo(1);

        ShopClient.Response bad = owner.get("/admin/orders.csv?status=NOPE", "en");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("status must be one of");
        assertNoKeyIn(csv.body());
    }

    @Test
    void refundNeedsTheTokenAConfirmationAndAReasonAndHappensOnce() {
        productWithKnownKeys("BO-REFUND", "9.00", 3);
        Shop.PlacedOrder order = Shop.order(shop(), "BO-REFUND", 1, "frank@example.com");
        assertThat(Shop.pay(shop(), order, "T-BO-REFUND").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        String path = "/admin/orders/" + order.orderNo();

        StorefrontForms owner = loggedIn(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.75");
        ShopClient.Response detail = owner.get(path, "en");
        assertThat(detail.status()).isEqualTo(200);
        assertThat(detail.body()).contains(order.orderNo(), "Order placed", "Payment received", "Keys claimed",
                "f***@example.com", "Resend keys", "Refund").doesNotContain("frank@example.com");
        assertThat(owner.get("/admin/orders/KF-NOPE", "en").status()).isEqualTo(404);

        assertThat(owner.post(path + "/refund", Map.of("reason", "test", "confirm", "yes")).status()).isEqualTo(403);
        assertThat(owner.post(path + "/resend", Map.of("confirm", "yes")).status()).isEqualTo(403);
        assertThat(refundRequests(order.orderNo())).isZero();
        assertThat(audits(order.orderNo())).isZero();

        String token = StorefrontForms.csrfToken(owner.get(path, "en"));
        ShopClient.Response noReason = follow(owner, owner.post(path + "/refund", Map.of("reason", " ", "confirm", "yes", "_csrf", token)));
        assertThat(noReason.body()).contains("give a reason");
        ShopClient.Response unconfirmed = follow(owner, owner.post(path + "/refund", Map.of("reason", "buyer asked", "_csrf", token)));
        assertThat(unconfirmed.body()).contains("tick the box");
        assertThat(refundRequests(order.orderNo())).isZero();

        ShopClient.Response refunded = follow(owner, owner.post(path + "/refund",
                Map.of("reason", "buyer asked", "confirm", "yes", "_csrf", token)));
        assertThat(refunded.body()).contains("Refund requested");
        await().atMost(Duration.ofSeconds(30)).until(() -> "REFUNDED".equals(orderStatus(order.orderNo()))
                && jdbc.queryForObject("SELECT count(*) FROM payment WHERE order_no = ? AND refund_status = 'SUCCEEDED'",
                        Integer.class, order.orderNo()) == 1); // the money is back, not only asked for

        StorefrontForms staff = loggedIn(BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD, "203.0.113.76");
        String staffToken = StorefrontForms.csrfToken(staff.get(path, "zh-CN"));
        ShopClient.Response again = follow(staff, staff.post(path + "/refund?lang=zh-CN",
                Map.of("reason", "again", "confirm", "yes", "_csrf", staffToken)));
        assertThat(again.body()).contains("未重复退款（409）：此订单已退款");
        ShopClient.Response againEn = follow(owner, owner.post(path + "/refund?lang=en",
                Map.of("reason", "again", "confirm", "yes", "_csrf", token)));
        assertThat(againEn.body()).contains("already refunded");
        assertThat(refundRequests(order.orderNo())).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE subject = ? AND action = 'order.refund'"
                + " AND actor = ? AND detail LIKE '%buyer asked%'", Integer.class, order.orderNo(), ShopClient.ADMIN_USER))
                .isEqualTo(1);
        ShopClient.Response after = owner.get(path + "?lang=en", null);
        assertThat(after.body()).contains("Refund");
        assertNoKeyIn(detail.body(), refunded.body(), again.body(), after.body());
    }

    @Test
    void resendIsConfirmedAndAnsweredOnThePage() {
        productWithKnownKeys("BO-RESEND", "5.00", 2);
        Shop.PlacedOrder order = Shop.order(shop(), "BO-RESEND", 1, "gina@example.com");
        assertThat(Shop.pay(shop(), order, "T-BO-RESEND").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        String path = "/admin/orders/" + order.orderNo();
        StorefrontForms owner = loggedIn(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.77");
        String token = StorefrontForms.csrfToken(owner.get(path, "en"));
        assertThat(follow(owner, owner.post(path + "/resend", Map.of("_csrf", token))).body()).contains("tick the box");
        ShopClient.Response resent = follow(owner, owner.post(path + "/resend", Map.of("confirm", "yes", "_csrf", token)));
        assertThat(resent.body()).contains("Resend requested");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE subject = ? AND action = 'order.resend'"
                + " AND actor = ?", Integer.class, order.orderNo(), ShopClient.ADMIN_USER)).isEqualTo(1);

        Shop.PlacedOrder unpaid = Shop.order(shop(), "BO-RESEND", 1, "hank@example.com");
        String unpaidPath = "/admin/orders/" + unpaid.orderNo();
        ShopClient.Response refused = follow(owner, owner.post(unpaidPath + "/resend", Map.of("confirm", "yes", "_csrf", token)));
        assertThat(refused.body()).contains("not been delivered");
        assertNoKeyIn(resent.body(), refused.body());
    }

    private int refundRequests(String orderNo) {
        return jdbc.queryForObject("SELECT count(*) FROM payment WHERE order_no = ? AND refund_status IS NOT NULL",
                Integer.class, orderNo);
    }

    private int audits(String orderNo) {
        return jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE subject = ?", Integer.class, orderNo);
    }

    private static ShopClient.Response follow(StorefrontForms browser, ShopClient.Response posted) {
        assertThat(posted.status()).as(posted.body()).isEqualTo(303); // see other: the page, not the post again
        String location = StorefrontForms.header(posted, "Location");
        return browser.get(location.substring(location.indexOf("/admin")), null);
    }

    /** Stock whose key values are known, so no page can be shown to carry one. */
    private void productWithKnownKeys(String sku, String price, int keys) {
        Shop.productWithKeys(shop(), sku, price, 0);
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < keys; i++) {
            values.append(KEY_MARK).append(sku).append('-').append(i).append('\n');
        }
        assertThat(shop().importKeys(sku, values.toString()).status()).isIn(200, 201);
    }

    private static void assertNoKeyIn(String... bodies) {
        for (String body : bodies) {
            assertThat(body).doesNotContain(KEY_MARK);
        }
    }

    private StorefrontForms loggedIn(String user, String password, String address) {
        StorefrontForms browser = new StorefrontForms(port, address);
        String token = StorefrontForms.csrfToken(browser.get("/admin/login", "en"));
        ShopClient.Response answer = browser.post("/admin/login", Map.of("username", user, "password", password, "_csrf", token));
        assertThat(StorefrontForms.header(answer, "Location")).as("login of " + user).doesNotContain("error");
        return browser;
    }
}
