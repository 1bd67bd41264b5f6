package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Categories over the admin API (list, create, change, what is refused), a product's category, and the storefront's
 * catalogue grouped by category in position order with products without one last.
 */
class CategoriesTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
    }

    @Test
    void categoriesAreCreatedListedInPositionOrderChangedAndAudited() {
        assertThat(create("software", "Software", "软件", 2).status()).isEqualTo(201);
        ShopClient.Response games = create("games", "Games", null, 1);
        assertThat(games.status()).as(games.body()).isEqualTo(201);
        assertThat(games.json().get("position").asInt()).isEqualTo(1);

        ShopClient.Response list = shop.admin("GET", "/api/admin/categories", null, null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json()).extracting(c -> c.get("slug").asText()).containsExactly("games", "software");
        assertThat(list.json().get(1).get("nameZh").asText()).isEqualTo("软件");

        ShopClient.Response changed = shop.admin("PUT", "/api/admin/categories/games", "application/json",
                ShopClient.json(Map.of("nameEn", "Games", "nameZh", "游戏", "position", 3)));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("nameZh").asText()).isEqualTo("游戏");
        assertThat(shop.admin("GET", "/api/admin/categories", null, null).json())
                .extracting(c -> c.get("slug").asText()).containsExactly("software", "games");
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'category.update'", String.class))
                .isEqualTo("nameZh none -> '游戏'; position 1 -> 3");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'category.create'", Integer.class))
                .isEqualTo(2);
    }

    @Test
    void aTakenSlugABadOneAndAnUnknownCategoryAreRefused() {
        assertThat(create("games", "Games", null, 0).status()).isEqualTo(201);
        ShopClient.Response taken = create("games", "Again", null, 0);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().get("detail").asText()).isEqualTo("a category with slug 'games' already exists");
        assertThat(create("Bad Slug", "Bad", null, 0).status()).isEqualTo(400);
        assertThat(create("ok", " ", null, 0).status()).isEqualTo(400);
        assertThat(shop.admin("PUT", "/api/admin/categories/nope", "application/json",
                ShopClient.json(Map.of("nameEn", "Nope"))).status()).isEqualTo(404);
        assertThat(shop.admin("PUT", "/api/admin/categories/games", "application/json",
                ShopClient.json(Map.of("slug", "other", "nameEn", "Games"))).status()).isEqualTo(400);

        Shop.productWithKeys(shop, "GAME", "1.00", 0);
        ShopClient.Response unknown = putCategory("GAME", "\"0\"", "nope");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("detail").asText()).startsWith("no category with slug 'nope'");
    }

    @Test
    void theCatalogueGroupsProductsByCategoryInPositionOrderTheRestLast() {
        assertThat(create("software", "Software", "软件", 2).status()).isEqualTo(201);
        assertThat(create("games", "Games", "游戏", 1).status()).isEqualTo(201);
        assertThat(create("empty", "Empty", null, 0).status()).isEqualTo(201);
        Shop.productWithKeys(shop, "OFFICE", "1.00", 1);
        Shop.productWithKeys(shop, "CHESS", "1.00", 1);
        Shop.productWithKeys(shop, "LOOSE", "1.00", 1);
        Map<String, Object> create = new LinkedHashMap<>(Map.of("sku", "RACER", "name", "Product RACER", "price", "1.00",
                "currency", "CNY", "category", "games"));
        ShopClient.Response racer = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(create));
        assertThat(racer.status()).as(racer.body()).isEqualTo(201);
        assertThat(racer.json().get("category").asText()).isEqualTo("games");
        assertThat(putCategory("OFFICE", "\"0\"", "software").json().get("category").asText()).isEqualTo("software");
        assertThat(putCategory("CHESS", "\"0\"", "games").status()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'product.update' AND subject = 'CHESS'",
                String.class)).isEqualTo("category none -> 'games'");

        String english = new StorefrontForms(port, null).get("/", "en").body();
        assertThat(english).containsSubsequence("<h2>Games</h2>", "Product CHESS", "Product RACER",
                "<h2>Software</h2>", "Product OFFICE", "<h2>Other</h2>", "Product LOOSE").doesNotContain("Empty");
        String chinese = new StorefrontForms(port, null).get("/", "zh-CN").body();
        assertThat(chinese).containsSubsequence("<h2>游戏</h2>", "<h2>软件</h2>", "<h2>其他</h2>");

        // a PUT without the category keeps it; "" removes it
        ShopClient.Response kept = shop.admin("PUT", "/api/admin/products/CHESS", "application/json",
                ShopClient.json(Map.of("name", "Product CHESS", "price", "1.00", "currency", "CNY", "lowStockThreshold", 0,
                        "active", true)), Map.of("If-Match", "\"1\""));
        assertThat(kept.json().get("category").asText()).isEqualTo("games");
        assertThat(putCategory("CHESS", "\"1\"", "").json().get("category").isNull()).isTrue();
    }

    @Test
    void withoutCategoriesTheCatalogueIsOneListWithoutHeadings() {
        Shop.productWithKeys(shop, "GAME", "1.00", 1);
        String page = new StorefrontForms(port, null).get("/", "en").body();
        assertThat(page).contains("Product GAME").doesNotContainPattern("<section class=\"category\"[^>]*>\\s*<h2");
    }

    private ShopClient.Response create(String slug, String nameEn, String nameZh, int position) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("slug", slug, "nameEn", nameEn, "position", position));
        body.put("nameZh", nameZh);
        return shop.admin("POST", "/api/admin/categories", "application/json", ShopClient.json(body));
    }

    private ShopClient.Response putCategory(String sku, String ifMatch, String category) {
        return shop.admin("PUT", "/api/admin/products/" + sku, "application/json",
                ShopClient.json(Map.of("name", "Product " + sku, "price", "1.00", "currency", "CNY", "lowStockThreshold", 0,
                        "active", true, "category", category)), Map.of("If-Match", ifMatch));
    }
}
