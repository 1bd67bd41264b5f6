package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

class AdminOrderApiTest extends IntegrationTest {

    @Test
    void supportFindsOrdersAndSeesPaymentsAttemptsAndTasks() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "ADMIN", "5.00", 3);
        Shop.PlacedOrder paid = Shop.order(shop, "ADMIN", 1, "Seen@Example.com");
        Shop.order(shop, "ADMIN", 1, "other@example.com");
        Shop.pay(shop, paid, "ADM-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(
                shop.admin("GET", "/api/admin/orders/" + paid.orderNo(), null, null).json().get("order").get("status").asText()));

        JsonNode all = shop.admin("GET", "/api/admin/orders", null, null).json();
        assertThat(all).hasSize(2);
        JsonNode delivered = shop.admin("GET", "/api/admin/orders?status=DELIVERED&email=seen@example.com", null, null).json();
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).get("orderNo").asText()).isEqualTo(paid.orderNo());
        assertThat(delivered.get(0).get("sku").asText()).isEqualTo("ADMIN");

        JsonNode detail = shop.admin("GET", "/api/admin/orders/" + paid.orderNo(), null, null).json();
        assertThat(detail.get("payments").get(0).get("tradeNo").asText()).isEqualTo("ADM-1");
        assertThat(detail.get("payments").get(0).get("amount").asText()).isEqualTo("5.00");
        assertThat(detail.get("deliveryAttempts").get(0).get("outcome").asText()).isEqualTo("SENT");
        assertThat(detail.get("keysHeld").asInt()).isEqualTo(1);
        assertThat(detail.toString()).doesNotContain("secret");

        ShopClient.Response bad = shop.admin("GET", "/api/admin/orders?status=LOST", null, null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("detail").asText()).contains("status must be one of");
        assertThat(shop.admin("GET", "/api/admin/orders/NOPE", null, null).status()).isEqualTo(404);
        assertThat(shop.send("GET", "/api/admin/orders", null, null, java.util.Map.of()).status()).isEqualTo(401);
    }
}
