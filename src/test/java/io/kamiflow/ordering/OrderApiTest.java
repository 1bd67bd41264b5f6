package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrderApiTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
        Shop.productWithKeys(shop, "ORD", "12.50", 3);
        Shop.productWithKeys(shop, "EMPTY", "1.00", 0);
    }

    @Test
    void productsShowPriceAsDecimalStringAndAvailableStock() {
        JsonNode products = shop.send("GET", "/api/products", null, null, Map.of()).json();
        assertThat(products).hasSize(2);
        JsonNode ord = products.get(1).get("sku").asText().equals("ORD") ? products.get(1) : products.get(0);
        assertThat(ord.get("price").asText()).isEqualTo("12.50");
        assertThat(ord.get("currency").asText()).isEqualTo("CNY");
        assertThat(ord.get("available").asInt()).isEqualTo(3);
        assertThat(ord.get("name").asText()).isEqualTo("Product ORD");
    }

    @Test
    void createdOrderIsPendingWithTokenAndPaymentInstructions() {
        ShopClient.Response created = shop.createOrder("ORD", 2, "buyer@example.com", "sandbox");
        assertThat(created.status()).isEqualTo(201);
        JsonNode json = created.json();
        assertThat(json.get("status").asText()).isEqualTo("PENDING_PAYMENT");
        assertThat(json.get("amount").asText()).isEqualTo("25.00");
        assertThat(json.get("currency").asText()).isEqualTo("CNY");
        assertThat(json.get("channel").asText()).isEqualTo("sandbox");
        assertThat(json.get("orderNo").asText()).matches("[0-9]{12}[0-9A-Z]{10}");
        assertThat(json.get("accessToken").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(json.get("payment").get("notifyUrl").asText()).isEqualTo("/api/payments/sandbox/notify");
        // only the hash of the token is stored
        String stored = jdbc.queryForObject("SELECT access_token_hash FROM customer_order", String.class);
        assertThat(stored).isNotEqualTo(json.get("accessToken").asText()).hasSize(64);

        JsonNode view = shop.getOrder(json.get("orderNo").asText(), json.get("accessToken").asText()).json();
        assertThat(view.get("status").asText()).isEqualTo("PENDING_PAYMENT");
        assertThat(view.get("quantity").asInt()).isEqualTo(2);
        assertThat(view.has("keys")).isFalse();
    }

    @Test
    void wrongTokenAndUnknownOrderGetTheSameAnswer() {
        Shop.PlacedOrder order = Shop.order(shop, "ORD", 1, "buyer@example.com");
        ShopClient.Response wrongToken = shop.getOrder(order.orderNo(), "not-the-token");
        ShopClient.Response noToken = shop.getOrder(order.orderNo(), null);
        ShopClient.Response unknown = shop.getOrder("261122000000AAAAAAAAAA", order.accessToken());
        assertThat(wrongToken.status()).isEqualTo(404);
        assertThat(noToken.status()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(wrongToken.json().get("detail")).isEqualTo(unknown.json().get("detail"));
        assertThat(wrongToken.contentType()).startsWith("application/problem+json");
    }

    @Test
    void invalidOrdersAreRejectedWithProblemDetails() {
        assertProblem(shop.createOrder("NOPE", 1, "a@example.com", "sandbox"), 404, "NOPE");
        assertProblem(shop.createOrder("EMPTY", 1, "a@example.com", "sandbox"), 409, "sold out");
        assertProblem(shop.createOrder("ORD", 4, "a@example.com", "sandbox"), 409, "only 3");
        assertProblem(shop.createOrder("ORD", 0, "a@example.com", "sandbox"), 400, "quantity");
        assertProblem(shop.createOrder("ORD", 11, "a@example.com", "sandbox"), 400, "quantity");
        assertProblem(shop.createOrder("ORD", 1, "not-an-email", "sandbox"), 400, "email");
        assertProblem(shop.createOrder("ORD", 1, "a@example.com", "bitcoin"), 400, "channel");
        assertProblem(shop.send("POST", "/api/orders", "application/json", "{\"sku\":", Map.of()), 400, "JSON");
        assertProblem(shop.send("POST", "/api/orders", "application/json", "{}", Map.of()), 400, "sku");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();
    }

    private static void assertProblem(ShopClient.Response response, int status, String detailContains) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(detailContains);
    }
}
