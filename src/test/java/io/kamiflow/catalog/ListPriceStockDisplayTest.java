package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A product's list price and stock display over the admin API (kept when left out, what is refused, the audit row),
 * and how the catalogue and the product page show them: the list price struck through with "was" for screen readers,
 * the count or only "in stock", "sold out" whenever nothing is left.
 */
class ListPriceStockDisplayTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 3);
        Shop.productWithKeys(shop, "GONE", "8.00", 0);
    }

    @Test
    void aListPriceAndTheStockDisplayAreStoredKeptAndAudited() {
        ShopClient.Response fresh = shop.admin("GET", "/api/admin/products/GAME", null, null);
        assertThat(fresh.json().get("listPrice").isNull()).isTrue();
        assertThat(fresh.json().get("stockDisplay").asText()).isEqualTo("EXACT");

        ShopClient.Response saved = put("\"0\"", "12.50", "19.90", "IN_STOCK");
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        assertThat(saved.json().get("listPrice").asText()).isEqualTo("19.90");
        assertThat(saved.json().get("stockDisplay").asText()).isEqualTo("IN_STOCK");
        assertThat(saved.header("ETag")).isEqualTo("\"1\"");
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'product.update'", String.class))
                .isEqualTo("listPrice none -> 19.90 CNY; stockDisplay EXACT -> IN_STOCK");

        ShopClient.Response kept = put("\"1\"", "12.00", null, null);
        assertThat(kept.status()).as(kept.body()).isEqualTo(200);
        assertThat(kept.json().get("listPrice").asText()).isEqualTo("19.90");
        assertThat(kept.json().get("stockDisplay").asText()).isEqualTo("IN_STOCK");

        ShopClient.Response removed = put("\"2\"", "12.00", "", "EXACT");
        assertThat(removed.json().get("listPrice").isNull()).isTrue();
        assertThat(jdbc.queryForObject("SELECT list_price_minor FROM product WHERE sku = 'GAME'", Long.class)).isNull();

        Map<String, Object> create = new LinkedHashMap<>(Map.of("sku", "NEW", "name", "New", "price", "3.00",
                "currency", "CNY", "listPrice", "4.50", "stockDisplay", "IN_STOCK"));
        ShopClient.Response created = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(create));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("listPrice").asText()).isEqualTo("4.50");
        assertThat(created.json().get("stockDisplay").asText()).isEqualTo("IN_STOCK");
    }

    @Test
    void aListPriceNotAboveThePriceOrMalformedIsRefusedAndNothingChanges() {
        for (String listPrice : new String[] {"12.50", "10.00", "abc", "1.234", "-5"}) {
            ShopClient.Response refused = put("\"0\"", "12.50", listPrice, null);
            assertThat(refused.status()).as(listPrice).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("detail").asText()).as(listPrice).startsWith("listPrice");
        }
        assertThat(put("\"0\"", "12.50", "20.00", "SOMETIMES").status()).isEqualTo(400);
        assertThat(put("\"0\"", "12.50", "20.00", null).status()).isEqualTo(200);
        ShopClient.Response priceRaised = put("\"1\"", "25.00", null, null);
        assertThat(priceRaised.status()).as("the kept list price is below the new price").isEqualTo(400);
        assertThat(priceRaised.json().get("detail").asText()).isEqualTo("listPrice (20.00) must be above the price (25.00), or empty for none");

        Map<String, Object> create = new LinkedHashMap<>(Map.of("sku", "NEW", "name", "New", "price", "3.00",
                "currency", "CNY", "listPrice", "2.00"));
        assertThat(shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(create)).status())
                .isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM product WHERE sku = 'NEW'", Integer.class)).isZero();
        assertThat(jdbc.queryForMap("SELECT price_minor, list_price_minor, version FROM product WHERE sku = 'GAME'"))
                .containsEntry("price_minor", 1250L).containsEntry("list_price_minor", 2000L).containsEntry("version", 1L);
    }

    @Test
    void theCatalogueAndTheProductPageShowTheListPriceStruckAndTheChosenStockBadge() {
        StorefrontForms buyer = new StorefrontForms(port, null);
        assertThat(buyer.get("/", "en").body()).contains("3 in stock").doesNotContain("list-price");

        assertThat(put("\"0\"", "12.50", "19.90", "IN_STOCK").status()).isEqualTo(200);
        String english = buyer.get("/", "en").body();
        assertThat(english).containsSubsequence("data-sku=\"GAME\"", "CN¥12.50", "<s class=\"list-price\">",
                "<span class=\"sr-only\">was</span>", "CN¥19.90", "</s>", "In stock").doesNotContain("3 in stock");
        assertThat(english).containsSubsequence("data-sku=\"GONE\"", "Sold out");
        assertThat(buyer.get("/", "zh-CN").body()).containsSubsequence("¥12.50", "原价", "¥19.90", "有货");
        assertThat(buyer.get("/products/GAME", "zh-CN").body()).containsSubsequence("¥12.50", "<s class=\"list-price\">",
                "原价", "¥19.90", "有货", "id=\"checkout\"");

        assertThat(put("\"1\"", "12.50", null, "EXACT").status()).isEqualTo(200);
        assertThat(buyer.get("/products/GAME", "en").body()).contains("3 in stock");
        assertThat(buyer.get("/products/GONE", "en").body()).contains("id=\"sold-out\"").doesNotContain("id=\"checkout\"");
    }

    private ShopClient.Response put(String ifMatch, String price, String listPrice, String stockDisplay) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", "Product GAME", "price", price, "currency", "CNY",
                "lowStockThreshold", 0, "active", true));
        if (listPrice != null) {
            body.put("listPrice", listPrice);
        }
        if (stockDisplay != null) {
            body.put("stockDisplay", stockDisplay);
        }
        return shop.admin("PUT", "/api/admin/products/GAME", "application/json", ShopClient.json(body),
                Map.of("If-Match", ifMatch));
    }
}
