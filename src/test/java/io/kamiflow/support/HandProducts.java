package io.kamiflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Fixtures for products fulfilled by hand: a BY_HAND product with its buyer fields, orders that fill them in. */
public final class HandProducts {

    /** A game account id of 5-12 digits (required) and an optional server name, labelled in both languages. */
    public static final List<Map<String, Object>> GAME_FIELDS = List.of(
            field("account", "Game account id", "游戏账号", true, "[0-9]{5,12}", 12),
            field("server", "Server", "服务器", false, null, 40));

    private HandProducts() {
    }

    public static Map<String, Object> field(String key, String labelEn, String labelZh, boolean required, String pattern,
                                            int maxLength) {
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("key", key);
        field.put("labelEn", labelEn);
        field.put("labelZh", labelZh);
        field.put("required", required);
        field.put("pattern", pattern);
        field.put("maxLength", maxLength);
        return field;
    }

    public static ShopClient.Response setKind(ShopClient shop, String sku, String kind, List<Map<String, Object>> fields) {
        return shop.admin("PUT", "/api/admin/products/" + sku + "/kind", "application/json",
                ShopClient.json(Map.of("kind", kind, "inputFields", fields)));
    }

    /** A BY_HAND product with {@link #GAME_FIELDS} and no keys. */
    public static void product(ShopClient shop, String sku, String price) {
        assertThat(shop.createProduct(sku, price, "CNY", 0).status()).isEqualTo(201);
        ShopClient.Response kind = setKind(shop, sku, "BY_HAND", GAME_FIELDS);
        assertThat(kind.status()).as(kind.body()).isEqualTo(200);
    }

    public static ShopClient.Response createOrder(ShopClient shop, String sku, int quantity, String email,
                                                  Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("sku", sku, "quantity", quantity, "email", email,
                "channel", "sandbox"));
        if (fields != null) {
            body.put("fields", fields);
        }
        return shop.send("POST", "/api/orders", "application/json", ShopClient.json(body), Map.of());
    }

    public static Shop.PlacedOrder order(ShopClient shop, String sku, String email, String account) {
        return order(shop, sku, 1, email, account);
    }

    public static Shop.PlacedOrder order(ShopClient shop, String sku, int quantity, String email, String account) {
        ShopClient.Response response = createOrder(shop, sku, quantity, email, Map.of("account", account, "server", "Asia-1"));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode json = response.json();
        return new Shop.PlacedOrder(json.get("orderNo").asText(), json.get("accessToken").asText(),
                json.get("amount").asText(), json.get("currency").asText());
    }
}
