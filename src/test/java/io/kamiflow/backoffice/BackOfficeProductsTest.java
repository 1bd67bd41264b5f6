package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * The back office's products and keys over real HTTP: who may list, create, edit and import; CSRF on every form;
 * a stale edit refused; validation in the user's language with the entries kept; key files in UTF-8 or GBK, size
 * limited; every change audited under the user; and no key value ever in a page.
 */
class BackOfficeProductsTest extends IntegrationTest {

    private static final Pattern VERSION = Pattern.compile("name=\"version\" value=\"(\\d+)\"");

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
    void anAnonymousVisitorGoesToTheLoginPageASupportUserGets403() {
        Shop.productWithKeys(shop(), "SECRET", "1.00", 0);
        for (String path : new String[] {"/admin/products", "/admin/products/SECRET", "/admin/products/SECRET/import"}) {
            ShopClient.Response anonymous = new StorefrontForms(port, "203.0.113.70").get(path, "en");
            assertThat(anonymous.status()).as(path).isEqualTo(302);
            assertThat(StorefrontForms.header(anonymous, "Location")).as(path).endsWith("/admin/login");
        }
        StorefrontForms support = BackOfficeAccessTest.loggedIn(port, SupportDesk.USER, SupportDesk.PASSWORD, "203.0.113.71");
        for (String path : new String[] {"/admin/products", "/admin/products/SECRET"}) {
            ShopClient.Response denied = support.get(path, "en");
            assertThat(denied.status()).as(path).isEqualTo(403);
            assertThat(denied.body()).as(path).contains("Not for this account").doesNotContain("SECRET");
        }
        String token = StorefrontForms.csrfToken(support.get("/admin/products", "en"));
        assertThat(support.post("/admin/products", newProduct("BYSUPPORT", "Support's", "1.00", "CNY", "0", token)).status())
                .isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM product WHERE sku = 'BYSUPPORT'", Long.class)).isZero();
    }

    @Test
    void theOwnerAndStaffListCreateAndEditEveryChangeAuditedUnderTheirName() {
        Shop.productWithKeys(shop(), "OLD-HIDDEN", "3.00", 2);
        jdbc.update("UPDATE product SET active = false, low_stock_threshold = 5 WHERE sku = 'OLD-HIDDEN'");

        StorefrontForms owner = owner("203.0.113.72");
        ShopClient.Response list = owner.get("/admin/products", "en");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("Products", "OLD-HIDDEN", "3.00", "hidden", "low stock", "href=\"/admin/products/OLD-HIDDEN\"");
        assertThat(list.body()).contains("href=\"/admin/products\""); // the nav

        ShopClient.Response created = owner.post("/admin/products",
                newProduct("NEW-CARD", "New card", "12.50", "cny", "3", StorefrontForms.csrfToken(list)));
        assertThat(created.status()).as(created.body()).isEqualTo(302);
        assertThat(StorefrontForms.header(created, "Location")).endsWith("/admin/products/NEW-CARD?created");
        assertThat(jdbc.queryForMap("SELECT name, price_minor, currency, low_stock_threshold, active FROM product WHERE sku = 'NEW-CARD'"))
                .containsEntry("name", "New card").containsEntry("price_minor", 1250L).containsEntry("currency", "CNY")
                .containsEntry("low_stock_threshold", 3).containsEntry("active", true);
        assertThat(owner.get("/admin/products/NEW-CARD?created", "en").body()).contains("Product created");

        StorefrontForms staff = staff("203.0.113.73");
        ShopClient.Response page = staff.get("/admin/products/NEW-CARD", "en");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("New card", "12.50", "name=\"version\" value=\"0\"");
        ShopClient.Response saved = staff.post("/admin/products/NEW-CARD",
                edit("Renamed card", "15.00", "CNY", "4", false, version(page), StorefrontForms.csrfToken(page)));
        assertThat(saved.status()).as(saved.body()).isEqualTo(302);
        assertThat(StorefrontForms.header(saved, "Location")).endsWith("/admin/products/NEW-CARD?saved");
        assertThat(staff.get("/admin/products/NEW-CARD?saved", "en").body()).contains("Saved", "Renamed card", "15.00");
        assertThat(jdbc.queryForMap("SELECT name, price_minor, active, version FROM product WHERE sku = 'NEW-CARD'"))
                .containsEntry("name", "Renamed card").containsEntry("price_minor", 1500L).containsEntry("active", false)
                .containsEntry("version", 1L);

        assertThat(jdbc.queryForList("SELECT actor || ' ' || action || ' ' || subject FROM audit_event ORDER BY id", String.class))
                .contains("admin product.create NEW-CARD", BackOfficeAccessTest.STAFF + " product.update NEW-CARD");
    }

    @Test
    void aFormWithoutItsTokenIs403AndChangesNothing() {
        Shop.productWithKeys(shop(), "GUARDED", "2.00", 0);
        StorefrontForms owner = owner("203.0.113.74");
        assertThat(owner.post("/admin/products", newProduct("FORGED", "Forged", "1.00", "CNY", "0", null)).status())
                .isEqualTo(403);
        assertThat(owner.post("/admin/products/GUARDED", edit("Forged", "1.00", "CNY", "0", true, "0", null)).status())
                .isEqualTo(403);
        assertThat(owner.postMultipart("/admin/products/GUARDED/keys", Map.of("keys", "FORGED-KEY"), "file", null, null)
                .status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM product WHERE sku = 'FORGED'", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT name FROM product WHERE sku = 'GUARDED'", String.class)).isEqualTo("Product GUARDED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Long.class)).isZero();
    }

    @Test
    void aStaleFormIsRefusedAndTheProductKeepsTheOtherChange() {
        Shop.productWithKeys(shop(), "CONTESTED", "2.00", 0);
        StorefrontForms owner = owner("203.0.113.75");
        StorefrontForms staff = staff("203.0.113.76");
        ShopClient.Response ownersPage = owner.get("/admin/products/CONTESTED", "en");
        ShopClient.Response staffsPage = staff.get("/admin/products/CONTESTED", "en");

        assertThat(staff.post("/admin/products/CONTESTED", edit("Staff's name", "2.00", "CNY", "0", true, version(staffsPage),
                StorefrontForms.csrfToken(staffsPage))).status()).isEqualTo(302);
        ShopClient.Response stale = owner.post("/admin/products/CONTESTED", edit("Owner's name", "9.00", "CNY", "0", true,
                version(ownersPage), StorefrontForms.csrfToken(ownersPage)));

        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body()).contains("Someone else changed this product", "Staff&#39;s name", "name=\"version\" value=\"1\"");
        assertThat(jdbc.queryForMap("SELECT name, price_minor, version FROM product WHERE sku = 'CONTESTED'"))
                .containsEntry("name", "Staff's name").containsEntry("price_minor", 200L).containsEntry("version", 1L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'product.update'", Long.class)).isEqualTo(1L);
    }

    @Test
    void invalidEntriesAreShownNextToTheirFieldsInTheUsersLanguageWithTheEntriesKept() {
        Shop.productWithKeys(shop(), "EXISTS", "2.00", 0);
        StorefrontForms owner = owner("203.0.113.77");
        ShopClient.Response list = owner.get("/admin/products", "en");
        ShopClient.Response invalid = owner.post("/admin/products",
                newProduct("bad sku!", " ", "1.001", "CNY", "-1", StorefrontForms.csrfToken(list)));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("value=\"bad sku!\"", "value=\"1.001\"", "value=\"-1\"",
                "1-64 letters, digits", "at most 2 decimals", "0 or more", "Enter a name");
        assertThat(invalid.body()).contains("id=\"sku-error\"", "aria-describedby=\"sku-error\"");

        ShopClient.Response duplicate = owner.post("/admin/products",
                newProduct("EXISTS", "Again", "1.00", "CNY", "0", StorefrontForms.csrfToken(list)));
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.body()).contains("A product with this SKU already exists");

        ShopClient.Response chinese = owner.get("/admin/products/EXISTS?lang=zh-CN", null);
        ShopClient.Response wrongCurrency = owner.post("/admin/products/EXISTS",
                edit("名称", "1.00", "XYZ", "0", true, version(chinese), StorefrontForms.csrfToken(chinese)));
        assertThat(wrongCurrency.status()).isEqualTo(400);
        assertThat(wrongCurrency.body()).contains("value=\"XYZ\"", "value=\"名称\"", "货币代码");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM product", Long.class)).isEqualTo(1L);
        assertThat(jdbc.queryForObject("SELECT currency FROM product WHERE sku = 'EXISTS'", String.class)).isEqualTo("CNY");
    }

    @Test
    void keysArePastedOrUploadedInUtf8OrGbkAndTheReportNamesLinesButNoKey() {
        Shop.productWithKeys(shop(), "KEYS", "2.00", 0);
        StorefrontForms staff = staff("203.0.113.78");
        ShopClient.Response page = staff.get("/admin/products/KEYS", "en");
        String token = StorefrontForms.csrfToken(page);
        String pasted = "PASTE-AAA-111\nPASTE-BBB-222\nPASTE-AAA-111\n\nBAD\u0007LINE\n" + "X".repeat(600) + "\n";

        ShopClient.Response report = follow(staff, staff.postMultipart("/admin/products/KEYS/keys?_csrf=" + token,
                Map.of("_csrf", token, "keys", pasted), "file", null, null));
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.body()).contains("Keys imported", "Imported", "Repeated in this import", "Already in stock",
                "Rejected lines", "5, 6");
        assertThat(number(report.body(), "imported")).isEqualTo(2);
        assertThat(number(report.body(), "duplicate-in-batch")).isEqualTo(1);
        assertThat(number(report.body(), "duplicate-existing")).isZero();
        assertThat(number(report.body(), "rejected")).isEqualTo(2);
        assertThat(report.body()).doesNotContain("PASTE-AAA", "PASTE-BBB", "BAD", "XXXXXXXX");

        byte[] gbk = "卡密-甲-0001\r\n卡密-乙-0002\r\nPASTE-AAA-111\r\n".getBytes(Charset.forName("GBK"));
        assertThat(new String(gbk, StandardCharsets.UTF_8)).contains("\uFFFD"); // not valid UTF-8
        ShopClient.Response gbkReport = follow(staff, staff.postMultipart("/admin/products/KEYS/keys?_csrf=" + token,
                Map.of("_csrf", token, "keys", ""), "file", "keys-gbk.txt", gbk));
        assertThat(number(gbkReport.body(), "imported")).isEqualTo(2);
        assertThat(number(gbkReport.body(), "duplicate-existing")).isEqualTo(1);
        assertThat(gbkReport.body()).contains("GBK").doesNotContain("卡密", "PASTE-AAA");

        // the same keys in UTF-8 are the same keys: decoded right, they are now duplicates
        byte[] utf8 = "卡密-甲-0001\n卡密-乙-0002\n".getBytes(StandardCharsets.UTF_8);
        ShopClient.Response utf8Report = follow(staff, staff.postMultipart("/admin/products/KEYS/keys?_csrf=" + token,
                Map.of("_csrf", token), "file", "keys.csv", utf8));
        assertThat(number(utf8Report.body(), "imported")).isZero();
        assertThat(number(utf8Report.body(), "duplicate-existing")).isEqualTo(2);
        assertThat(utf8Report.body()).doesNotContain("卡密");

        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Long.class)).isEqualTo(4L);
        assertThat(staff.get("/admin/products", "en").body()).doesNotContain("PASTE-AAA", "卡密");
        assertThat(staff.get("/admin/products/KEYS", "en").body()).doesNotContain("PASTE-AAA", "卡密");
        assertThat(jdbc.queryForList("SELECT actor FROM audit_event WHERE action = 'keys.import'", String.class))
                .hasSize(3).containsOnly(BackOfficeAccessTest.STAFF);
        assertThat(jdbc.queryForList("SELECT detail FROM audit_event", String.class))
                .noneMatch(detail -> detail.contains("PASTE") || detail.contains("卡密"));
    }

    @Test
    void anOverSizeFileOrNothingToImportIsRefusedWithAClearMessage() {
        Shop.productWithKeys(shop(), "BIG", "2.00", 0);
        StorefrontForms owner = owner("203.0.113.79");
        String token = StorefrontForms.csrfToken(owner.get("/admin/products/BIG", "en"));
        byte[] big = new byte[10 * 1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) 'A');

        ShopClient.Response tooBig = follow(owner, owner.postMultipart("/admin/products/BIG/keys?_csrf=" + token,
                Map.of("_csrf", token), "file", "huge.txt", big));
        assertThat(tooBig.body()).contains("larger than 10 MB");
        ShopClient.Response nothing = follow(owner, owner.postMultipart("/admin/products/BIG/keys?_csrf=" + token,
                Map.of("_csrf", token, "keys", "  \n"), "file", null, null));
        assertThat(nothing.body()).contains("Paste keys or choose a file");
        byte[] binary = {(byte) 0xff, (byte) 0xfe, (byte) 0x00, (byte) 0x81, (byte) 0xff};
        ShopClient.Response unreadable = follow(owner, owner.postMultipart("/admin/products/BIG/keys?_csrf=" + token,
                Map.of("_csrf", token), "file", "keys.txt", binary));
        assertThat(unreadable.body()).contains("neither UTF-8 nor GBK");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'keys.import'", Long.class)).isZero();
    }

    /** Follows one redirect, as a browser does after a form post. */
    private static ShopClient.Response follow(StorefrontForms browser, ShopClient.Response answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(302);
        String location = StorefrontForms.header(answer, "Location");
        assertThat(location).doesNotContain("_csrf");
        return browser.get(location.replaceFirst("^https?://[^/]+", ""), "en");
    }

    private static long number(String body, String id) {
        Matcher matcher = Pattern.compile("id=\"" + id + "\"[^>]*>(\\d+)<").matcher(body);
        assertThat(matcher.find()).as(id + " in " + body).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static String version(ShopClient.Response page) {
        Matcher matcher = VERSION.matcher(page.body());
        assertThat(matcher.find()).as("a version field in " + page.body()).isTrue();
        return matcher.group(1);
    }

    private static Map<String, String> newProduct(String sku, String name, String price, String currency, String threshold,
                                                  String csrf) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("sku", sku);
        fields.put("name", name);
        fields.put("price", price);
        fields.put("currency", currency);
        fields.put("lowStockThreshold", threshold);
        if (csrf != null) {
            fields.put("_csrf", csrf);
        }
        return fields;
    }

    private static Map<String, String> edit(String name, String price, String currency, String threshold, boolean visible,
                                            String version, String csrf) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("price", price);
        fields.put("currency", currency);
        fields.put("lowStockThreshold", threshold);
        fields.put("active", Boolean.toString(visible));
        fields.put("version", version);
        if (csrf != null) {
            fields.put("_csrf", csrf);
        }
        return fields;
    }
}
