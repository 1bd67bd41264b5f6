package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Searching the catalogue by name over real HTTP: English and Chinese names, any case, LIKE's wildcards taken
 * literally, hidden products never, the categories kept, the query in the box, and an empty result that says so.
 */
class CatalogSearchTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
        assertThat(shop.admin("POST", "/api/admin/categories", "application/json",
                ShopClient.json(Map.of("slug", "games", "nameEn", "Games", "nameZh", "游戏"))).status()).isEqualTo(201);
        create("STEAM-50", "Steam Wallet 50", "Steam 钱包 50元", "games");
        create("STEAM-100", "Steam Wallet 100% bonus", null, null);
        create("OFFICE", "Office_2024 Pro", "办公软件专业版", null);
        create("NETFLIX", "Netflix Premium", "奈飞会员", "games");
        create("HIDDEN", "Steam Hidden", null, null);
        assertThat(shop.admin("PUT", "/api/admin/products/HIDDEN", "application/json", ShopClient.json(Map.of(
                "name", "Steam Hidden", "price", "1.00", "currency", "CNY", "lowStockThreshold", 0, "active", false)),
                Map.of("If-Match", "*")).status()).isEqualTo(200);
    }

    @Test
    void namesMatchInEitherLanguageAndAnyCaseHiddenProductsNever() {
        assertThat(skus(search("steam", "en"))).as("by category, then name").containsExactly("STEAM-50", "STEAM-100");
        assertThat(skus(search("WALLET 5", "en"))).containsExactly("STEAM-50");
        assertThat(skus(search("钱包", "zh-CN"))).containsExactly("STEAM-50");
        assertThat(skus(search("专业", "en"))).as("a Chinese substring, English page").containsExactly("OFFICE");
        String page = search("steam", "en");
        assertThat(page).contains("value=\"steam\"", "2 products match “steam”.", "Show all products")
                .containsSubsequence("<h2>Games</h2>", "STEAM-50", "<h2>Other</h2>", "STEAM-100");
        assertThat(search("  奈飞 ", "zh-CN")).contains("value=\"奈飞\"", "找到 1 件名称包含“奈飞”的商品。", "<h2>游戏</h2>");
    }

    @Test
    void wildcardsAreTakenLiterally() {
        assertThat(skus(search("%", "en"))).containsExactly("STEAM-100");
        assertThat(skus(search("100%", "en"))).containsExactly("STEAM-100");
        assertThat(skus(search("_", "en"))).containsExactly("OFFICE");
        assertThat(skus(search("e_2", "en"))).containsExactly("OFFICE");
        assertThat(skus(search("Office_", "en"))).containsExactly("OFFICE");
        assertThat(skus(search("\\", "en"))).isEmpty();
        assertThat(skus(search("S%m", "en"))).isEmpty();
    }

    @Test
    void noMatchSaysSoOffersToClearAndKeepsTheQueryEscaped() {
        String english = search("<b>nothing</b>", "en");
        assertThat(skus(english)).isEmpty();
        assertThat(english).contains("No products match “&lt;b&gt;nothing&lt;/b&gt;”.", "id=\"clear-search\" href=\"/\"",
                "value=\"&lt;b&gt;nothing&lt;/b&gt;\"").doesNotContain("<b>nothing</b>", "Nothing is for sale yet.");
        assertThat(search("不存在", "zh-CN")).contains("没有名称包含“不存在”的商品。", "显示全部商品");
        String all = new StorefrontForms(port, null).get("/?q=", "en").body();
        assertThat(skus(all)).hasSize(4);
        assertThat(all).doesNotContain("id=\"search-result\"");
        assertThat(skus(search("x".repeat(500), "en"))).as("a very long query is cut, not an error").isEmpty();
    }

    private String search(String query, String language) {
        ShopClient.Response page = new StorefrontForms(port, null)
                .get("/?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8), language);
        assertThat(page.status()).isEqualTo(200);
        return page.body();
    }

    private static java.util.List<String> skus(String page) {
        java.util.List<String> skus = new java.util.ArrayList<>();
        java.util.regex.Matcher sku = java.util.regex.Pattern.compile("class=\"product[^\"]*\" data-sku=\"([^\"]+)\"").matcher(page);
        while (sku.find()) {
            skus.add(sku.group(1));
        }
        return skus;
    }

    private void create(String sku, String name, String nameZh, String category) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("sku", sku, "name", name, "price", "1.00", "currency", "CNY"));
        body.put("nameZh", nameZh);
        body.put("category", category);
        ShopClient.Response created = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(body));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }
}
