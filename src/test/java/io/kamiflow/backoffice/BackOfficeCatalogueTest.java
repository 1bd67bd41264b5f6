package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
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
 * The catalogue's shape from the back office over real HTTP: categories created and renamed, categories and products
 * moved up and down (the storefront follows, two owners moving at once never share a place), a new product with every
 * field in one form, CSRF and roles on each, every change audited; and a session that ended sends the user to the
 * login page saying so.
 */
class BackOfficeCatalogueTest extends IntegrationTest {

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

    @Test
    void categoriesAreCreatedRenamedAndMovedTheShopFollowsEveryChangeAudited() {
        StorefrontForms staff = BackOfficeAccessTest.loggedIn(port, BackOfficeAccessTest.STAFF,
                BackOfficeAccessTest.STAFF_PASSWORD, "203.0.113.90");
        ShopClient.Response page = staff.get("/admin/categories", "en");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("No categories yet");
        String token = StorefrontForms.csrfToken(page);

        ShopClient.Response invalid = staff.post("/admin/categories", Map.of("slug", "Bad Slug", "nameEn", " ", "_csrf", token));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("value=\"Bad Slug\"", "lower-case letters", "Please enter the English name");

        for (String[] c : new String[][] {{"games", "Games", "游戏"}, {"gifts", "Gift cards", ""}, {"vpn", "VPN", "加速器"}}) {
            ShopClient.Response created = staff.post("/admin/categories",
                    Map.of("slug", c[0], "nameEn", c[1], "nameZh", c[2], "_csrf", token));
            assertThat(created.status()).as(created.body()).isEqualTo(302);
            assertThat(StorefrontForms.header(created, "Location")).endsWith("/admin/categories?created=" + c[0]);
        }
        ShopClient.Response taken = staff.post("/admin/categories", Map.of("slug", "games", "nameEn", "Again", "_csrf", token));
        assertThat(taken.status()).isEqualTo(400);
        assertThat(taken.body()).contains("exists already");
        // new ones go last, in the order they were made
        assertThat(slugsInOrder()).containsExactly("games", "gifts", "vpn");

        assertThat(staff.post("/admin/categories/vpn/move", Map.of("direction", "UP", "_csrf", token)).status()).isEqualTo(302);
        assertThat(slugsInOrder()).containsExactly("games", "vpn", "gifts");
        // first stays first
        assertThat(staff.post("/admin/categories/games/move", Map.of("direction", "UP", "_csrf", token)).status()).isEqualTo(302);
        assertThat(slugsInOrder()).containsExactly("games", "vpn", "gifts");

        ShopClient.Response renamed = staff.post("/admin/categories/gifts",
                Map.of("nameEn", "Gift cards", "nameZh", "礼品卡", "_csrf", token));
        assertThat(renamed.status()).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT name_zh FROM category WHERE slug = 'gifts'", String.class)).isEqualTo("礼品卡");
        ShopClient.Response zh = staff.get("/admin/categories?lang=zh-CN", null);
        assertThat(zh.body()).contains("分类", "礼品卡", "未分类");

        Shop.productWithKeys(shop(), "IN-VPN", "3.00", 1);
        shop().admin("PUT", "/api/admin/products/IN-VPN", "application/json", ShopClient.json(Map.of(
                "name", "Fast VPN", "price", "3.00", "currency", "CNY", "lowStockThreshold", 0, "active", true, "category", "vpn")));
        String catalogue = new StorefrontForms(port, "203.0.113.91").get("/", "en").body();
        assertThat(catalogue.indexOf("VPN")).isPositive();

        assertThat(jdbc.queryForList("SELECT actor || ' ' || action || ' ' || subject FROM audit_event ORDER BY id", String.class))
                .contains(BackOfficeAccessTest.STAFF + " category.create games", BackOfficeAccessTest.STAFF + " category.move vpn",
                        BackOfficeAccessTest.STAFF + " category.update gifts");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'category.move' AND subject = 'games'",
                Long.class)).as("a move that moves nothing is no change").isZero();
    }

    @Test
    void productsMoveUpAndDownAndTheStorefrontListsThemInThatOrder() {
        Shop.productWithKeys(shop(), "A-FIRST", "1.00", 1);
        Shop.productWithKeys(shop(), "B-SECOND", "1.00", 1);
        Shop.productWithKeys(shop(), "C-THIRD", "1.00", 1);
        StorefrontForms owner = owner("203.0.113.92");
        ShopClient.Response list = owner.get("/admin/products", "en");
        assertThat(list.body()).contains("Move Product C-THIRD up");
        String token = StorefrontForms.csrfToken(list);

        ShopClient.Response moved = owner.post("/admin/products/C-THIRD/move", Map.of("direction", "UP", "_csrf", token));
        assertThat(moved.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(moved, "Location")).endsWith("/admin/products#product-C-THIRD");
        owner.post("/admin/products/C-THIRD/move", Map.of("direction", "UP", "_csrf", token));
        owner.post("/admin/products/A-FIRST/move", Map.of("direction", "DOWN", "_csrf", token));
        assertThat(skusInShopOrder()).containsExactly("C-THIRD", "B-SECOND", "A-FIRST");

        String shopPage = new StorefrontForms(port, "203.0.113.93").get("/", "en").body();
        assertThat(shopPage.indexOf("Product C-THIRD")).isLessThan(shopPage.indexOf("Product B-SECOND"));
        assertThat(shopPage.indexOf("Product B-SECOND")).isLessThan(shopPage.indexOf("Product A-FIRST"));

        assertThat(owner.post("/admin/products/NOPE/move", Map.of("direction", "UP", "_csrf", token)).status()).isEqualTo(404);
        assertThat(owner.post("/admin/products/A-FIRST/move", Map.of("direction", "sideways", "_csrf", token)).status())
                .isEqualTo(400);
        assertThat(owner.post("/admin/products/A-FIRST/move", Map.of("direction", "UP")).status()).as("no CSRF token")
                .isEqualTo(403);
        StorefrontForms support = BackOfficeAccessTest.loggedIn(port, SupportDesk.USER, SupportDesk.PASSWORD, "203.0.113.94");
        assertThat(support.post("/admin/products/A-FIRST/move", Map.of("direction", "UP", "_csrf", token)).status())
                .isEqualTo(403);
        assertThat(skusInShopOrder()).containsExactly("C-THIRD", "B-SECOND", "A-FIRST");
    }

    @Test
    void twoOwnersMovingAtOnceNeverLeaveTwoProductsOnOnePlace() throws Exception {
        for (int i = 0; i < 6; i++) {
            Shop.productWithKeys(shop(), "P-" + i, "1.00", 0);
        }
        StorefrontForms first = owner("203.0.113.95");
        StorefrontForms second = owner("203.0.113.96");
        String t1 = first.csrfToken("/admin/products");
        String t2 = second.csrfToken("/admin/products");
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String sku = "P-" + i;
            threads.add(new Thread(() -> first.post("/admin/products/" + sku + "/move", Map.of("direction", "DOWN", "_csrf", t1))));
            threads.add(new Thread(() -> second.post("/admin/products/" + sku + "/move", Map.of("direction", "UP", "_csrf", t2))));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        List<Integer> positions = jdbc.queryForList("SELECT position FROM product ORDER BY position", Integer.class);
        assertThat(positions).doesNotHaveDuplicates().hasSize(6);
        assertThat(skusInShopOrder()).containsExactlyInAnyOrder("P-0", "P-1", "P-2", "P-3", "P-4", "P-5");
    }

    @Test
    void aNewProductTakesEveryFieldInOneForm() {
        jdbc.update("INSERT INTO category (slug, name_en, name_zh, position) VALUES ('games', 'Games', '游戏', 1)");
        StorefrontForms owner = owner("203.0.113.97");
        ShopClient.Response form = owner.get("/admin/new-product?lang=zh-CN", null);
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("新建商品", "name=\"nameZh\"", "name=\"descriptionZh\"", "name=\"usageNotesEn\"",
                "name=\"maxQuantity\"", "游戏 (games)");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("sku", "FULL-CARD");
        fields.put("name", "Full card");
        fields.put("nameZh", "完整点卡");
        fields.put("category", "games");
        fields.put("descriptionEn", "**Fast** delivery");
        fields.put("descriptionZh", "**快速**发货");
        fields.put("usageNotesEn", "Redeem in the launcher.");
        fields.put("usageNotesZh", "在启动器中兑换。");
        fields.put("price", "9.90");
        fields.put("currency", "CNY");
        fields.put("minQuantity", "2");
        fields.put("maxQuantity", "5");
        fields.put("lowStockThreshold", "3");
        fields.put("_csrf", StorefrontForms.csrfToken(form));
        ShopClient.Response created = owner.post("/admin/products", fields);
        assertThat(created.status()).as(created.body()).isEqualTo(302);
        assertThat(jdbc.queryForMap("""
                SELECT p.name_zh, p.description_zh, p.usage_notes_en, p.min_quantity, p.max_quantity, c.slug
                FROM product p JOIN category c ON c.id = p.category_id WHERE p.sku = 'FULL-CARD'"""))
                .containsEntry("name_zh", "完整点卡").containsEntry("description_zh", "**快速**发货")
                .containsEntry("usage_notes_en", "Redeem in the launcher.").containsEntry("min_quantity", 2)
                .containsEntry("max_quantity", 5).containsEntry("slug", "games");

        fields.put("sku", "BAD-RANGE");
        fields.put("minQuantity", "6");
        ShopClient.Response refused = owner.post("/admin/products?lang=zh-CN", fields);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("新建商品", "value=\"完整点卡\"", "在启动器中兑换。");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM product WHERE sku = 'BAD-RANGE'", Long.class)).isZero();
    }

    @Test
    void anEndedSessionGoesToTheLoginPageThatSaysSo() {
        StorefrontForms stale = new StorefrontForms(port, "203.0.113.98").withCookie("JSESSIONID", "0123456789ABCDEF0123456789ABCDEF");
        ShopClient.Response answer = stale.get("/admin/products", "en");
        assertThat(answer.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(answer, "Location")).endsWith("/admin/login?expired");
        assertThat(stale.get("/admin/login?expired", "en").body()).contains("Your session ended");
        assertThat(stale.get("/admin/login?expired&lang=zh-CN", null).body()).contains("登录已过期");
    }

    private List<String> slugsInOrder() {
        return jdbc.queryForList("SELECT slug FROM category ORDER BY position, slug", String.class);
    }

    private List<String> skusInShopOrder() {
        return jdbc.queryForList("SELECT sku FROM product ORDER BY position, name, sku", String.class);
    }
}
