package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Wholesale tiers through the admin product API, and what an order of each quantity costs, coupon or not. */
class PriceTiersTest extends IntegrationTest {

    private ShopClient shop;

    @Autowired
    CatalogueCache catalogueCache;

    @BeforeEach
    void client() {
        shop = shop();
    }

    @Test
    void tiersAreStoredShownAndPriceTheOrder() {
        ShopClient.Response created = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(Map.of(
                "sku", "BULK", "name", "Bulk", "price", "10.00", "currency", "CNY",
                "tiers", List.of(Map.of("minQuantity", 5, "unitPrice", "7.00"), Map.of("minQuantity", 3, "unitPrice", "8.00"),
                        Map.of("minQuantity", 4, "unitPrice", "9.50")))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode tiers = created.json().get("tiers");
        assertThat(tiers).hasSize(3);
        assertThat(tiers.get(0).get("minQuantity").asInt()).isEqualTo(3);
        assertThat(tiers.get(0).get("unitPrice").asText()).isEqualTo("8.00");
        assertThat(shop.generateKeys("BULK", 30).status()).isEqualTo(200);

        assertThat(amount("BULK", 2, null)).isEqualTo("20.00"); // list price
        assertThat(amount("BULK", 3, null)).isEqualTo("24.00"); // 3 x 8.00
        assertThat(amount("BULK", 4, null)).as("the best tier reached wins, not the latest").isEqualTo("32.00");
        assertThat(amount("BULK", 6, null)).isEqualTo("42.00"); // 6 x 7.00
    }

    @Test
    void aPercentageOnATierPriceRoundsHalfUpToTheCent() {
        shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(Map.of(
                "sku", "ODD", "name", "Odd", "price", "3.50", "currency", "CNY",
                "tiers", List.of(Map.of("minQuantity", 3, "unitPrice", "3.33")))));
        shop.generateKeys("ODD", 10);
        shop.admin("POST", "/api/admin/coupons", "application/json", ShopClient.json(Map.of("code", "P15", "percentOff", 15)));
        // 3 x 3.33 = 9.99; 15 % = 1.4985 -> 1.50 off
        ShopClient.Response order = place("ODD", 3, "p@example.com", "P15");
        assertThat(order.json().get("amount").asText()).isEqualTo("8.49");
        assertThat(order.json().get("discount").asText()).isEqualTo("1.50");
        // 2 x 3.50 = 7.00; 15 % = 1.05 exactly
        ShopClient.Response two = place("ODD", 2, "q@example.com", "P15");
        assertThat(two.json().get("amount").asText()).isEqualTo("5.95");
        assertThat(jdbc.queryForList("SELECT amount_minor FROM customer_order ORDER BY id", Long.class)).containsExactly(849L, 595L);
    }

    @Test
    void aPutChangesTiersAsANewVersionAndBadTiersAreRefused() {
        shop.createProduct("TIER", "10.00", "CNY", 0);
        ShopClient.Response read = shop.admin("GET", "/api/admin/products/TIER", null, null);
        assertThat(read.json().get("tiers")).isEmpty();
        String etag = read.header("ETag");
        Map<String, Object> edit = edit(List.of(Map.of("minQuantity", 10, "unitPrice", "8.00")));
        ShopClient.Response put = shop.admin("PUT", "/api/admin/products/TIER", "application/json", ShopClient.json(edit),
                Map.of("If-Match", etag));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("tiers").get(0).get("unitPrice").asText()).isEqualTo("8.00");
        assertThat(put.header("ETag")).isNotEqualTo(etag);
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'product.update'", String.class))
                .contains("tiers '' -> '10: 8.00'");

        // left out: kept
        Map<String, Object> without = edit(null);
        ShopClient.Response kept = shop.admin("PUT", "/api/admin/products/TIER", "application/json", ShopClient.json(without),
                Map.of("If-Match", "*"));
        assertThat(kept.json().get("tiers")).hasSize(1);

        for (List<Map<String, Object>> bad : List.of(List.of(Map.<String, Object>of("minQuantity", 1, "unitPrice", "8.00")),
                List.of(Map.<String, Object>of("minQuantity", 4, "unitPrice", "8.001")),
                List.of(Map.<String, Object>of("minQuantity", 4, "unitPrice", "0")),
                List.of(Map.<String, Object>of("minQuantity", 4, "unitPrice", "8.00"), Map.<String, Object>of("minQuantity", 4, "unitPrice", "7.00")))) {
            ShopClient.Response refused = shop.admin("PUT", "/api/admin/products/TIER", "application/json",
                    ShopClient.json(edit(bad)), Map.of("If-Match", "*"));
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("detail").asText()).startsWith("tiers:");
        }
        assertThat(jdbc.queryForList("SELECT unit_price_minor FROM product_tier", Long.class)).containsExactly(800L);

        // another currency: the CNY tier no longer applies, and is not shown
        Map<String, Object> dollars = edit(null);
        dollars.put("currency", "USD");
        assertThat(shop.admin("PUT", "/api/admin/products/TIER", "application/json", ShopClient.json(dollars),
                Map.of("If-Match", "*")).json().get("tiers")).isEmpty();
    }

    /**
     * Checkout and the quote charge the tiers the database holds at that moment, read with the product in the same
     * transaction: a tier changed on this node is charged at once, and one changed by another node (SQL straight to
     * the database as that node's admin writes it, the tiers and the product's next version, which this node's
     * CatalogueCache and OfferCopies do not hear of) too, while the storefront's copy still shows the old price. A tier
     * in another currency than the product's never applies.
     */
    @Test
    void checkoutChargesTheTiersTheDatabaseHoldsNowNotTheStorefrontsCopy() {
        ShopClient.Response created = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(Map.of(
                "sku", "FRESH", "name", "Fresh", "price", "10.00", "currency", "CNY",
                "tiers", List.of(Map.of("minQuantity", 3, "unitPrice", "8.00")))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(shop.generateKeys("FRESH", 40).status()).isEqualTo(200);
        catalogueCache.setTtl(Duration.ofHours(1)); // the storefront's copy is kept: only this node's changes drop it
        try {
            assertThat(cachedTiers("FRESH")).containsExactly(new PriceTiers.Tier(3, new Money(800, "CNY")));
            assertThat(amount("FRESH", 3, null)).isEqualTo("24.00");

            // another node's change: this node's copy keeps the old tier, checkout charges the new one
            jdbc.update("UPDATE product_tier SET unit_price_minor = 600 WHERE product_id = (SELECT id FROM product WHERE sku = 'FRESH')");
            jdbc.update("UPDATE product SET version = version + 1 WHERE sku = 'FRESH'");
            assertThat(cachedTiers("FRESH")).as("the copy is stale, as on a node that did not make the change")
                    .containsExactly(new PriceTiers.Tier(3, new Money(800, "CNY")));
            assertThat(place("FRESH", 3, "other-node@example.com", null).json().get("amount").asText()).isEqualTo("18.00");
            assertThat(quote("FRESH", 3)).isEqualTo("18.00");

            // this node's change through the admin API: charged at once
            ShopClient.Response put = shop.admin("PUT", "/api/admin/products/FRESH", "application/json",
                    ShopClient.json(edit(List.of(Map.of("minQuantity", 3, "unitPrice", "5.00")))), Map.of("If-Match", "*"));
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            assertThat(place("FRESH", 4, "this-node@example.com", null).json().get("amount").asText()).isEqualTo("20.00");

            // a tier in another currency (left from before a currency change) never applies; several rows of tiers
            jdbc.update("""
                    INSERT INTO product_tier (product_id, min_quantity, unit_price_minor, currency)
                    SELECT id, 2, 100, 'USD' FROM product WHERE sku = 'FRESH'""");
            jdbc.update("""
                    INSERT INTO product_tier (product_id, min_quantity, unit_price_minor, currency)
                    SELECT id, 5, 450, 'CNY' FROM product WHERE sku = 'FRESH'""");
            jdbc.update("UPDATE product SET version = version + 1 WHERE sku = 'FRESH'");
            assertThat(place("FRESH", 2, "usd-tier@example.com", null).json().get("amount").asText()).isEqualTo("20.00");
            assertThat(place("FRESH", 3, "three@example.com", null).json().get("amount").asText()).isEqualTo("15.00");
            assertThat(place("FRESH", 5, "five@example.com", null).json().get("amount").asText()).isEqualTo("22.50");
            assertThat(quote("FRESH", 5)).isEqualTo("22.50");
            assertThat(jdbc.queryForList("""
                    SELECT amount_minor FROM customer_order WHERE product_id = (SELECT id FROM product WHERE sku = 'FRESH')
                    ORDER BY id""", Long.class)).containsExactly(2400L, 1800L, 2000L, 2000L, 1500L, 2250L);
        } finally {
            catalogueCache.setTtl(Duration.ZERO);
        }
    }

    private java.util.List<PriceTiers.Tier> cachedTiers(String sku) {
        CatalogueCache.Snapshot copy = catalogueCache.current();
        return copy.tiers(copy.activeBySku(sku).orElseThrow());
    }

    private String quote(String sku, int quantity) {
        ShopClient.Response quote = shop.send("GET", "/api/products/" + sku + "/quote?quantity=" + quantity, null, null, Map.of());
        assertThat(quote.status()).as(quote.body()).isEqualTo(200);
        return quote.json().get("amount").asText();
    }

    private static Map<String, Object> edit(List<Map<String, Object>> tiers) {
        Map<String, Object> edit = new LinkedHashMap<>();
        edit.put("name", "Tiered");
        edit.put("price", "10.00");
        edit.put("currency", "CNY");
        edit.put("lowStockThreshold", 0);
        edit.put("active", true);
        if (tiers != null) {
            edit.put("tiers", tiers);
        }
        return edit;
    }

    private String amount(String sku, int quantity, String coupon) {
        ShopClient.Response order = place(sku, quantity, "tier" + quantity + "@example.com", coupon);
        assertThat(order.status()).as(order.body()).isEqualTo(201);
        return order.json().get("amount").asText();
    }

    private ShopClient.Response place(String sku, int quantity, String email, String coupon) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sku", sku);
        body.put("quantity", quantity);
        body.put("email", email);
        body.put("channel", "sandbox");
        if (coupon != null) {
            body.put("coupon", coupon);
        }
        return shop.send("POST", "/api/orders", "application/json", ShopClient.json(body), Map.of());
    }
}
