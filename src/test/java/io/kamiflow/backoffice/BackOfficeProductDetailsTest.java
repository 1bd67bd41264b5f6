package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

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
 * The back office's product form with the catalogue's fields: Chinese name, descriptions and usage notes in both
 * languages, the quantity range and the category, labelled in the user's language, saved through ProductChanges.
 */
class BackOfficeProductDetailsTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    private StorefrontForms owner;

    @BeforeEach
    void product() {
        SupportDesk.ensureUser(identity);
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "5.00", 0);
        assertThat(shop.admin("POST", "/api/admin/categories", "application/json",
                ShopClient.json(Map.of("slug", "games", "nameEn", "Games", "nameZh", "游戏"))).status()).isEqualTo(201);
        owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.90");
    }

    @Test
    void theFormShowsTheNewFieldsInEitherLanguageAndSavesThem() {
        ShopClient.Response english = owner.get("/admin/products/GAME", "en");
        assertThat(english.body()).contains("Name in Chinese", "Description (English)", "Usage notes (Chinese)",
                "Fewest keys per order", "Most keys per order", "<select id=\"category\"", "Games (games)",
                "name=\"minQuantity\" value=\"1\"", "name=\"maxQuantity\" value=\"10\"");
        ShopClient.Response chinese = owner.get("/admin/products/GAME?lang=zh-CN", null);
        assertThat(chinese.body()).contains("中文名称", "描述（英文）", "使用说明（中文）", "每单最少卡密数", "游戏 (games)");

        ShopClient.Response saved = owner.post("/admin/products/GAME", form(english, "2", "5", "games"));
        assertThat(saved.status()).as(saved.body()).isEqualTo(302);
        assertThat(jdbc.queryForMap("SELECT name_zh, description_en, usage_notes_zh, min_quantity, max_quantity, "
                        + "(SELECT slug FROM category c WHERE c.id = category_id) AS slug FROM product WHERE sku = 'GAME'"))
                .containsEntry("name_zh", "游戏卡").containsEntry("description_en", "**Fast**")
                .containsEntry("usage_notes_zh", "兑换").containsEntry("min_quantity", 2).containsEntry("max_quantity", 5)
                .containsEntry("slug", "games");
        ShopClient.Response again = owner.get("/admin/products/GAME", "en");
        assertThat(again.body()).contains("游戏卡", "**Fast**", "<option value=\"games\" selected=\"selected\"");
    }

    @Test
    void aMinimumAboveTheMaximumIsExplainedOnTheFormAndNothingIsSaved() {
        ShopClient.Response page = owner.get("/admin/products/GAME", "en");
        ShopClient.Response refused = owner.post("/admin/products/GAME", form(page, "6", "5", ""));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Must not be more than the most keys per order (5).");
        assertThat(jdbc.queryForObject("SELECT version FROM product WHERE sku = 'GAME'", Long.class)).isZero();
    }

    private static Map<String, String> form(ShopClient.Response page, String min, String max, String category) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", "Product GAME");
        fields.put("nameZh", "游戏卡");
        fields.put("descriptionEn", "**Fast**");
        fields.put("descriptionZh", "");
        fields.put("usageNotesEn", "");
        fields.put("usageNotesZh", "兑换");
        fields.put("price", "5.00");
        fields.put("currency", "CNY");
        fields.put("minQuantity", min);
        fields.put("maxQuantity", max);
        fields.put("category", category);
        fields.put("lowStockThreshold", "0");
        fields.put("active", "true");
        fields.put("version", "0");
        fields.put("_csrf", StorefrontForms.csrfToken(page));
        return fields;
    }
}
