package io.kamiflow.gateway.stripe;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.stripe.Stripe;
import com.stripe.net.Webhook;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;

/** Stripe events as Stripe sends them, signed with stripe-java's own test helper. */
public final class StripeEventsFixture {

    private StripeEventsFixture() {
    }

    public static Map<String, Object> session(String orderNo, String paymentIntent, long amount, String paymentStatus) {
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", "cs_test_" + paymentIntent);
        session.put("object", "checkout.session");
        session.put("client_reference_id", orderNo);
        session.put("metadata", Map.of("orderNo", orderNo));
        session.put("payment_intent", paymentIntent);
        session.put("payment_status", paymentStatus);
        session.put("status", "complete");
        session.put("mode", "payment");
        session.put("amount_total", amount);
        session.put("currency", "cny");
        session.put("a_field_from_the_future", Map.of("x", 1));
        return session;
    }

    static Map<String, Object> paymentIntent(String orderNo, String id, long amount) {
        Map<String, Object> intent = new LinkedHashMap<>();
        intent.put("id", id);
        intent.put("object", "payment_intent");
        intent.put("amount", amount);
        intent.put("amount_received", amount);
        intent.put("currency", "cny");
        intent.put("status", "succeeded");
        intent.put("metadata", Map.of("orderNo", orderNo));
        return intent;
    }

    public static String event(String type, Map<String, Object> object) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", "evt_" + UUID.randomUUID().toString().replace("-", ""));
        event.put("object", "event");
        event.put("api_version", Stripe.API_VERSION);
        event.put("created", Instant.now().getEpochSecond());
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        event.put("type", type);
        event.put("data", Map.of("object", object));
        return ShopClient.json(event);
    }

    public static String sign(String payload) {
        return sign(payload, TestGatewayKeys.STRIPE_WEBHOOK_SECRET, Instant.now().getEpochSecond());
    }

    static String sign(String payload, String secret, long timestamp) {
        try {
            return Webhook.Signature.generateSignatureHeader(payload, secret, timestamp);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
