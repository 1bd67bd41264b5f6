package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
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
 * The back office's coupons and wholesale prices over real HTTP: login and CSRF on every form, the list with uses,
 * create, edit (never below the uses), disable, the product page's tiers; English and Chinese; audited under the user.
 */
class BackOfficeCouponsTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    @BeforeEach
    void users() {
        SupportDesk.ensureUser(identity);
        SupportDesk.ensureUser(identity, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD,
                IdentityBootstrap.MERCHANT_GROUP);
        Shop.productWithKeys(shop(), "GIFT", "10.00", 5);
    }

    private StorefrontForms staff(String address) {
        return BackOfficeAccessTest.loggedIn(port, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD, address);
    }

    @Test
    void onlyTheShopsUsersReachCouponsAndEveryFormNeedsItsToken() {
        ShopClient.Response anonymous = new StorefrontForms(port, "203.0.113.80").get("/admin/coupons", "en");
        assertThat(anonymous.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(anonymous, "Location")).endsWith("/admin/login");
        StorefrontForms support = BackOfficeAccessTest.loggedIn(port, SupportDesk.USER, SupportDesk.PASSWORD, "203.0.113.81");
        assertThat(support.get("/admin/coupons", "en").status()).isEqualTo(403);

        StorefrontForms staff = staff("203.0.113.82");
        assertThat(staff.post("/admin/coupons", newCoupon("NOTOKEN", "percent", "10", "", null)).status()).isEqualTo(403);
        assertThat(staff.post("/admin/products/GIFT/tiers", Map.of("tiers", "2 = 1.00")).status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM coupon", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM product_tier", Integer.class)).isZero();
    }

    @Test
    void staffCreateListEditAndDisableCouponsInEitherLanguage() {
        StorefrontForms staff = staff("203.0.113.83");
        ShopClient.Response empty = staff.get("/admin/coupons", "zh-CN");
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body()).contains("优惠券", "还没有优惠券。", "href=\"/admin/coupons\"");
        String token = StorefrontForms.csrfToken(empty);

        ShopClient.Response created = staff.post("/admin/coupons", newCoupon("spring-sale", "percent", "15", "5", token));
        assertThat(created.status()).as(created.body()).isEqualTo(302);
        assertThat(jdbc.queryForMap("SELECT code, percent_off, max_uses, once_per_email FROM coupon"))
                .containsEntry("code", "SPRING-SALE").containsEntry("percent_off", 15).containsEntry("max_uses", 5)
                .containsEntry("once_per_email", true);
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'coupon.create'", String.class))
                .isEqualTo(BackOfficeAccessTest.STAFF);

        ShopClient.Response refused = staff.post("/admin/coupons", newCoupon("BAD", "percent", "150", "", token));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("A percentage must be a whole number from 1 to 100.", "value=\"BAD\"");
        ShopClient.Response refusedZh = staff.post("/admin/coupons?lang=zh-CN", newCoupon("spring-sale", "percent", "5", "", token));
        assertThat(refusedZh.status()).isEqualTo(409);
        assertThat(refusedZh.body()).contains("该优惠码已存在。");

        // one use, then the list shows it and the limit cannot go below it
        ShopClient.Response order = shop().send("POST", "/api/orders", "application/json", ShopClient.json(Map.of("sku", "GIFT",
                "quantity", 1, "email", "b@example.com", "channel", "sandbox", "coupon", "Spring-Sale")), Map.of());
        assertThat(order.status()).as(order.body()).isEqualTo(201);
        ShopClient.Response list = staff.get("/admin/coupons?lang=en", null);
        assertThat(list.body()).contains("SPRING-SALE", "15%", "1 / 5", "once per email", "all products");

        ShopClient.Response edit = staff.get("/admin/coupons/spring-sale", "en");
        assertThat(edit.body()).contains("Used 1 of 5 times.");
        ShopClient.Response below = staff.post("/admin/coupons/SPRING-SALE", editFields("0", "", StorefrontForms.csrfToken(edit)));
        assertThat(below.status()).isEqualTo(409);
        assertThat(below.body()).contains("Total uses cannot be below the uses already counted.");
        ShopClient.Response saved = staff.post("/admin/coupons/SPRING-SALE", editFields("20", "2030-01-01T08:00", StorefrontForms.csrfToken(edit)));
        assertThat(saved.status()).isEqualTo(302);
        assertThat(jdbc.queryForMap("SELECT max_uses, valid_until FROM coupon").get("max_uses")).isEqualTo(20);
        assertThat(jdbc.queryForObject("SELECT valid_until = TIMESTAMP WITH TIME ZONE '2030-01-01T00:00:00Z' FROM coupon",
                Boolean.class)).as("entered in Asia/Shanghai").isTrue();

        assertThat(staff.post("/admin/coupons/SPRING-SALE/disable", Map.of("_csrf", token)).status()).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT disabled FROM coupon", Boolean.class)).isTrue();
        assertThat(staff.get("/admin/coupons", "en").body()).contains("disabled", "Enable");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'coupon.update' AND actor = ?",
                Integer.class, BackOfficeAccessTest.STAFF)).isEqualTo(2);
    }

    @Test
    void wholesalePricesAreEditedOnTheProductPageAndShownInTheShop() {
        StorefrontForms staff = staff("203.0.113.84");
        ShopClient.Response page = staff.get("/admin/products/GIFT", "en");
        assertThat(page.body()).contains("Wholesale prices", "id=\"tiers-text\"");
        String token = StorefrontForms.csrfToken(page);
        ShopClient.Response bad = staff.post("/admin/products/GIFT/tiers", Map.of("tiers", "1 = 8.00", "_csrf", token));
        assertThat(StorefrontForms.header(bad, "Location")).contains("tiersError");
        ShopClient.Response saved = staff.post("/admin/products/GIFT/tiers", Map.of("tiers", "3 = 9.00\n5：8.00", "_csrf", token));
        assertThat(StorefrontForms.header(saved, "Location")).contains("tiersSaved");
        assertThat(jdbc.queryForList("SELECT min_quantity || '=' || unit_price_minor FROM product_tier ORDER BY min_quantity",
                String.class)).containsExactly("3=900", "5=800");
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'product.update'", String.class))
                .isEqualTo(BackOfficeAccessTest.STAFF);
        assertThat(staff.get("/admin/products/GIFT", "en").body()).contains("3 = 9.00\n5 = 8.00");

        ShopClient.Response shopPage = new StorefrontForms(port, null).get("/products/GIFT", "en");
        assertThat(shopPage.body()).contains("From 3: CN¥9.00 each", "From 5: CN¥8.00 each", "data-quote=\"/api/products/GIFT/quote\"", "id=\"unit-price\">CN¥10.00<");
        assertThat(new StorefrontForms(port, null).get("/products/GIFT?lang=zh-CN", null).body()).contains("3 件起每件 ¥9.00");
    }

    @Test
    void theStorefrontFormTakesACouponAndExplainsARefusalInTheBuyersLanguage() {
        shop().admin("POST", "/api/admin/coupons", "application/json", ShopClient.json(Map.of("code", "HALF", "percentOff", 50)));
        StorefrontForms browser = new StorefrontForms(port, null);
        ShopClient.Response page = browser.get("/products/GIFT?lang=zh-CN", null);
        Map<String, String> fields = new LinkedHashMap<>(Map.of("quantity", "2", "email", "form@example.com",
                "channel", "sandbox", "_csrf", StorefrontForms.csrfToken(page), "coupon", "nope"));
        ShopClient.Response unknown = browser.post("/products/GIFT/checkout", fields);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("优惠码不存在", "value=\"nope\"");

        fields.put("coupon", "half");
        ShopClient.Response placed = browser.post("/products/GIFT/checkout", fields);
        assertThat(placed.status()).isEqualTo(302);
        ShopClient.Response orderPage = browser.get(StorefrontForms.header(placed, "Location").replaceFirst("^https?://[^/]+", ""), null);
        assertThat(orderPage.body()).contains("<strong>¥10.00</strong>", "<del>¥20.00</del>", "优惠码 HALF：", "−¥10.00");
    }

    private static Map<String, String> newCoupon(String code, String kind, String value, String maxUses, String csrf) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("code", code);
        fields.put("kind", kind);
        fields.put("value", value);
        fields.put("currency", "");
        fields.put("skus", "");
        fields.put("maxUses", maxUses);
        fields.put("oncePerEmail", "true");
        fields.put("validFrom", "");
        fields.put("validUntil", "");
        if (csrf != null) {
            fields.put("_csrf", csrf);
        }
        return fields;
    }

    private static Map<String, String> editFields(String maxUses, String validUntil, String csrf) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("maxUses", maxUses);
        fields.put("validFrom", "");
        fields.put("validUntil", validUntil);
        fields.put("skus", "");
        fields.put("oncePerEmail", "true");
        fields.put("_csrf", csrf);
        return fields;
    }
}
