package io.kamiflow.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Checkout creates a Checkout Session with stripe-java against a local fake of the Stripe API. */
class StripeCheckoutTest extends IntegrationTest {

    private static final String SESSIONS = "/stripe/v1/checkout/sessions";

    @AfterEach
    void resetFake() {
        FakeGateway.reset();
    }

    @Test
    void orderAnswersTheHostedCheckoutUrl() {
        FakeGateway.on("POST", SESSIONS, request -> new FakeGateway.Reply(200, Map.of("Content-Type", "application/json"),
                ShopClient.json(Map.of("id", "cs_test_42", "object", "checkout.session",
                        "url", "https://checkout.stripe.com/c/pay/cs_test_42", "payment_status", "unpaid"))));
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "STRIPE", "12.50", 3);

        long before = java.time.Instant.now().getEpochSecond();
        ShopClient.Response response = shop.createOrder("STRIPE", 2, "stripe@example.com", "stripe");
        long after = java.time.Instant.now().getEpochSecond();

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonNode payment = response.json().get("payment");
        assertThat(payment.get("payUrl").asText()).isEqualTo("https://checkout.stripe.com/c/pay/cs_test_42");
        assertThat(payment.get("sessionId").asText()).isEqualTo("cs_test_42");
        String orderNo = response.json().get("orderNo").asText();

        FakeGateway.Request sent = FakeGateway.requests().stream().filter(r -> r.path().equals(SESSIONS)).findFirst().orElseThrow();
        assertThat(sent.headers().get("Authorization")).isEqualTo("Bearer " + TestGatewayKeys.STRIPE_API_KEY);
        assertThat(sent.headers().get("Idempotency-Key")).isEqualTo("kamiflow-checkout-" + orderNo);
        String form = URLDecoder.decode(sent.body(), StandardCharsets.UTF_8);
        assertThat(form).contains("client_reference_id=" + orderNo, "metadata[orderNo]=" + orderNo,
                "payment_intent_data[metadata][orderNo]=" + orderNo, "line_items[0][price_data][unit_amount]=2500",
                "line_items[0][price_data][currency]=cny", "mode=payment");
        // Stripe takes 30 min .. 24 h: the 15-minute order gets the earliest Stripe allows (plus a minute of margin)
        long expiresAt = Long.parseLong(FakeStripe.form(sent).get("expires_at"));
        assertThat(expiresAt).isBetween(before + 31 * 60, after + 31 * 60);
        assertThat(jdbc.queryForObject("SELECT gateway_reference FROM customer_order WHERE order_no = ?", String.class, orderNo))
                .isEqualTo("cs_test_42");
    }

    @Test
    void gatewayRefusalAnswers502AndCancelsTheOrderWithItsKeysBackInStock() {
        FakeGateway.on("POST", SESSIONS, request -> new FakeGateway.Reply(400, Map.of("Content-Type", "application/json"),
                "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"nope\"}}"));
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "STRIPE", "12.50", 3);

        ShopClient.Response response = shop.createOrder("STRIPE", 1, "stripe@example.com", "stripe");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().get("detail").asText()).startsWith("stripe did not create a checkout session; order ")
                .contains("is cancelled and holds no keys");
        assertThat(jdbc.queryForList("SELECT status FROM customer_order", String.class)).containsExactly("CANCELLED");
        assertThat(shop.stock("STRIPE").json().get("available").asInt()).isEqualTo(3);
    }
}
