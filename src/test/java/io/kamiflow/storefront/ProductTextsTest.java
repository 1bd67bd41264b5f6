package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

/**
 * A product's name and description in the buyer's language (en or zh-CN), the other language when theirs is empty,
 * the description's Markdown rendered without letting HTML or script links through; the admin API keeps the texts a
 * client leaves out of a PUT.
 */
class ProductTextsTest extends IntegrationTest {

    private static final String HOSTILE = """
            **Global** key <script>alert(1)</script>

            <img src=x onerror="alert(2)">

            [help](javascript:alert(3))
            """;

    @Test
    void theBuyerSeesNameAndDescriptionInTheirLanguageRenderedHarmless() {
        ShopClient shop = shop();
        ShopClient.Response created = create(shop, "GAME", "游戏点卡", HOSTILE, "中文**说明**");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("nameZh").asText()).isEqualTo("游戏点卡");
        shop.generateKeys("GAME", 1);

        String english = new StorefrontForms(port, null).get("/products/GAME", "en").body();
        assertThat(english).contains("Product GAME", "<strong>Global</strong>", "&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>alert", "<img src=x", "javascript:", "游戏点卡");
        assertThat(english).doesNotContainPattern("<[a-z]+[^>]*\\sonerror=");

        String chinese = new StorefrontForms(port, null).get("/products/GAME", "zh-CN").body();
        assertThat(chinese).contains("游戏点卡", "中文<strong>说明</strong>").doesNotContain("Global");
        assertThat(new StorefrontForms(port, null).get("/", "zh-CN").body()).contains("游戏点卡");
        assertThat(new StorefrontForms(port, null).get("/", "en").body()).contains("Product GAME").doesNotContain("游戏点卡");
    }

    @Test
    void anEmptyLanguageFallsBackToTheOther() {
        ShopClient shop = shop();
        assertThat(create(shop, "EN-ONLY", null, "English *only*", null).status()).isEqualTo(201);
        assertThat(create(shop, "ZH-ONLY", null, null, "只有中文").status()).isEqualTo(201);
        shop.generateKeys("EN-ONLY", 1);
        shop.generateKeys("ZH-ONLY", 1);

        // no Chinese name: the English one; no Chinese description: the English one, and the other way round
        assertThat(new StorefrontForms(port, null).get("/products/EN-ONLY", "zh-CN").body())
                .contains("Product EN-ONLY", "English <em>only</em>");
        assertThat(new StorefrontForms(port, null).get("/products/ZH-ONLY", "en").body()).contains("只有中文");
    }

    @Test
    void aPutWithoutTheTextsKeepsThemAnEmptyOneRemovesItAndTheAuditNamesTheChange() {
        ShopClient shop = shop();
        assertThat(create(shop, "GAME", "游戏", "About", null).status()).isEqualTo(201);

        ShopClient.Response kept = put(shop, "GAME", "\"0\"", Map.of("name", "Game", "price", "9.00", "currency", "CNY",
                "lowStockThreshold", 0, "active", true));
        assertThat(kept.status()).as(kept.body()).isEqualTo(200);
        assertThat(kept.json().get("nameZh").asText()).isEqualTo("游戏");
        assertThat(kept.json().get("descriptionEn").asText()).isEqualTo("About");

        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", "Game", "price", "9.00", "currency", "CNY",
                "lowStockThreshold", 0, "active", true));
        body.put("nameZh", "  新游戏 ");
        body.put("descriptionEn", "");
        body.put("descriptionZh", "说明");
        ShopClient.Response changed = put(shop, "GAME", "\"1\"", body);
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("nameZh").asText()).isEqualTo("新游戏");
        assertThat(changed.json().get("descriptionEn").isNull()).isTrue();
        assertThat(changed.json().get("descriptionZh").asText()).isEqualTo("说明");
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'product.update' ORDER BY id DESC "
                + "FETCH FIRST 1 ROWS ONLY", String.class))
                .isEqualTo("nameZh '游戏' -> '新游戏'; descriptionEn 5 -> 0 chars; descriptionZh 0 -> 2 chars");

        body.put("descriptionZh", "x".repeat(10001));
        ShopClient.Response tooLong = put(shop, "GAME", "\"2\"", body);
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("descriptionZh");
    }

    private static ShopClient.Response create(ShopClient shop, String sku, String nameZh, String en, String zh) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("sku", sku, "name", "Product " + sku, "price", "9.00",
                "currency", "CNY"));
        body.put("nameZh", nameZh);
        body.put("descriptionEn", en);
        body.put("descriptionZh", zh);
        return shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(body));
    }

    private static ShopClient.Response put(ShopClient shop, String sku, String ifMatch, Map<String, Object> body) {
        return shop.admin("PUT", "/api/admin/products/" + sku, "application/json", ShopClient.json(body),
                Map.of("If-Match", ifMatch));
    }
}
