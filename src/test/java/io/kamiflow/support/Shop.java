package io.kamiflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** Test fixtures built through the public API: products with stock, and orders with their tokens. */
public final class Shop {

    public record PlacedOrder(String orderNo, String accessToken, String amount, String currency) {
    }

    private Shop() {
    }

    public static void productWithKeys(ShopClient client, String sku, String price, int keys) {
        assertThat(client.createProduct(sku, price, "CNY", 0).status()).isEqualTo(201);
        if (keys > 0) {
            ShopClient.Response generated = client.generateKeys(sku, keys);
            assertThat(generated.status()).isEqualTo(200);
            assertThat(generated.json().get("generated").asInt()).isEqualTo(keys);
        }
    }

    public static PlacedOrder order(ShopClient client, String sku, int quantity, String email) {
        ShopClient.Response response = client.createOrder(sku, quantity, email, "sandbox");
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode json = response.json();
        return new PlacedOrder(json.get("orderNo").asText(), json.get("accessToken").asText(),
                json.get("amount").asText(), json.get("currency").asText());
    }

    public static ShopClient.Response pay(ShopClient client, PlacedOrder order, String tradeNo) {
        return client.sandboxNotify(ShopClient.signedNotice(order.orderNo(), tradeNo, order.amount(), order.currency()));
    }
}
