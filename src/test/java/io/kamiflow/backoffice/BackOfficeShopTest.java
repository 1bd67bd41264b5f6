package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.security.IdentityBootstrap;
import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The owner's shop settings page and the product form's list price and stock display, logged in with CSRF: saved,
 * audited under the user and shown in the storefront; refused with the reason on the form; the page is the owner's.
 */
class BackOfficeShopTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    @BeforeEach
    void users() {
        io.kamiflow.support.SupportDesk.ensureUser(identity, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD,
                IdentityBootstrap.MERCHANT_GROUP);
        resetShop();
    }

    @AfterEach
    void defaults() {
        resetShop();
    }

    @Test
    void theOwnerSetsTheShopsNameAndAnnouncementAndTheStorefrontShowsThem() {
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD,
                "203.0.113.120");
        ShopClient.Response english = owner.get("/admin/shop", "en");
        assertThat(english.status()).isEqualTo(200);
        assertThat(english.body()).contains("Shop settings", "Shop name (English)", "Announcement (Chinese)",
                "Show the announcement on the catalogue", "href=\"/admin/shop\"");
        assertThat(owner.get("/admin/shop?lang=zh-CN", null).body()).contains("店铺设置", "店铺名称（中文）", "公告（英文）");

        Map<String, String> form = form(english, "Key Corner", "钥匙角", "Weekend *sale*", "周末特价", "true");
        Map<String, String> withoutToken = new LinkedHashMap<>(form);
        withoutToken.remove("_csrf");
        assertThat(owner.post("/admin/shop", withoutToken).status()).isEqualTo(403);

        ShopClient.Response saved = owner.post("/admin/shop", form);
        assertThat(saved.status()).as(saved.body()).isEqualTo(302);
        assertThat(StorefrontForms.header(saved, "Location")).endsWith("/admin/shop?saved");
        assertThat(jdbc.queryForMap("SELECT name_en, name_zh, announcement_en, announcement_on FROM shop_profile"))
                .containsEntry("name_en", "Key Corner").containsEntry("name_zh", "钥匙角")
                .containsEntry("announcement_en", "Weekend *sale*").containsEntry("announcement_on", true);
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'shop.update'", String.class))
                .isEqualTo(ShopClient.ADMIN_USER);
        assertThat(owner.get("/admin/shop?saved&lang=en", null).body()).contains("Saved.", "Weekend <em>sale</em>");
        String catalogue = new StorefrontForms(port, null).get("/", "zh-CN").body();
        assertThat(catalogue).contains(">钥匙角</span></a>", "<p>周末特价</p>");

        ShopClient.Response stale = owner.post("/admin/shop", form(english, "Old form", "", "", "", "false"));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body()).contains("Someone else changed these settings", "value=\"Key Corner\"");
    }

    @Test
    void anAnnouncementSwitchedOnWithoutTextOrTooLongIsExplainedAndNothingIsSaved() {
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD,
                "203.0.113.121");
        ShopClient.Response page = owner.get("/admin/shop", "en");
        ShopClient.Response empty = owner.post("/admin/shop", form(page, "Shop", "", " ", "", "true"));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("Please correct the marked fields",
                "Write an announcement in English or Chinese, or switch it off.");
        ShopClient.Response tooLong = owner.post("/admin/shop", form(page, "x".repeat(101), "", "", "", "false"));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("Too long: at most 100 characters.");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'shop.update'", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT name_en FROM shop_profile", String.class)).isNull();
    }

    @Test
    void shopStaffCannotOpenTheShopSettings() {
        StorefrontForms staff = BackOfficeAccessTest.loggedIn(port, BackOfficeAccessTest.STAFF,
                BackOfficeAccessTest.STAFF_PASSWORD, "203.0.113.122");
        assertThat(staff.get("/admin/shop", "en").status()).isEqualTo(403);
        String token = StorefrontForms.csrfToken(staff.get("/admin/products", "en"));
        Map<String, String> fields = new LinkedHashMap<>(Map.of("version", "0", "nameEn", "Mine", "announcementOn", "false",
                "_csrf", token));
        assertThat(staff.post("/admin/shop", fields).status()).isEqualTo(403);
        assertThat(staff.get("/admin/products", "en").body()).doesNotContain("href=\"/admin/shop\"");
        assertThat(jdbc.queryForObject("SELECT name_en FROM shop_profile", String.class)).isNull();
    }

    @Test
    void theProductFormSetsTheListPriceAndStockDisplayAndRefusesAListPriceBelowThePrice() {
        Shop.productWithKeys(shop(), "GAME", "5.00", 2);
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD,
                "203.0.113.123");
        ShopClient.Response page = owner.get("/admin/products/GAME", "en");
        assertThat(page.body()).contains("List price (struck through)", "Stock in the shop",
                "name=\"stockDisplay\" value=\"EXACT\" checked=\"checked\"");

        ShopClient.Response below = owner.post("/admin/products/GAME", productForm(page, "4.00", "IN_STOCK"));
        assertThat(below.status()).isEqualTo(400);
        assertThat(below.body()).contains("Must be above the price (5.00), or empty.");
        assertThat(owner.get("/admin/products/GAME?lang=zh-CN", null).body()).contains("划线原价", "仅显示“有货”");

        ShopClient.Response saved = owner.post("/admin/products/GAME", productForm(page, "9.90", "IN_STOCK"));
        assertThat(saved.status()).as(saved.body()).isEqualTo(302);
        assertThat(jdbc.queryForMap("SELECT list_price_minor, stock_display FROM product WHERE sku = 'GAME'"))
                .containsEntry("list_price_minor", 990L).containsEntry("stock_display", "IN_STOCK");
        assertThat(owner.get("/admin/products/GAME", "en").body()).contains("value=\"9.90\"",
                "name=\"stockDisplay\" value=\"IN_STOCK\" checked=\"checked\"");
        assertThat(new StorefrontForms(port, null).get("/products/GAME", "en").body()).contains("CN¥9.90", "In stock");
    }

    @Test
    void theNewProductFormTakesTheListPriceAndStockDisplayAndExplainsOneBelowThePrice() {
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD,
                "203.0.113.124");
        ShopClient.Response form = owner.get("/admin/new-product", "en");
        assertThat(form.body()).contains("name=\"listPrice\"", "name=\"stockDisplay\" value=\"EXACT\" checked=\"checked\"");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("sku", "NEW-CARD");
        fields.put("name", "New card");
        fields.put("price", "9.90");
        fields.put("currency", "CNY");
        fields.put("listPrice", "9.90");
        fields.put("stockDisplay", "IN_STOCK");
        fields.put("_csrf", StorefrontForms.csrfToken(form));
        ShopClient.Response refused = owner.post("/admin/products", fields);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Must be above the price (9.90), or empty.");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM product", Integer.class)).isZero();

        fields.put("listPrice", "12.00");
        ShopClient.Response created = owner.post("/admin/products", fields);
        assertThat(created.status()).as(created.body()).isEqualTo(302);
        assertThat(jdbc.queryForMap("SELECT list_price_minor, stock_display FROM product WHERE sku = 'NEW-CARD'"))
                .containsEntry("list_price_minor", 1200L).containsEntry("stock_display", "IN_STOCK");
    }

    private void resetShop() {
        assertThat(shop().admin("PUT", "/api/admin/shop", "application/json",
                "{\"announcementOn\": false}", Map.of("If-Match", "*")).status()).isEqualTo(200);
    }

    private static Map<String, String> form(ShopClient.Response page, String nameEn, String nameZh, String announcementEn,
                                            String announcementZh, String on) {
        Map<String, String> fields = new LinkedHashMap<>();
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("name=\"version\" value=\"(\\d+)\"")
                .matcher(page.body());
        assertThat(version.find()).isTrue();
        fields.put("version", version.group(1));
        fields.put("nameEn", nameEn);
        fields.put("nameZh", nameZh);
        fields.put("announcementEn", announcementEn);
        fields.put("announcementZh", announcementZh);
        fields.put("announcementOn", on);
        fields.put("_csrf", StorefrontForms.csrfToken(page));
        return fields;
    }

    private static Map<String, String> productForm(ShopClient.Response page, String listPrice, String stockDisplay) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", "Product GAME");
        fields.put("price", "5.00");
        fields.put("currency", "CNY");
        fields.put("listPrice", listPrice);
        fields.put("stockDisplay", stockDisplay);
        fields.put("lowStockThreshold", "0");
        fields.put("active", "true");
        fields.put("version", "0");
        fields.put("_csrf", StorefrontForms.csrfToken(page));
        return fields;
    }
}
