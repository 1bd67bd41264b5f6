package io.kamiflow.payment;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.kamiflow.ordering.Order;

/**
 * The {@code payment} object of POST /api/orders: what every channel answers (channel, order no,
 * amount, currency) plus what its buyer's client needs to pay (a redirect URL, a QR code URL, ...).
 */
public final class PaymentInstructions {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    private PaymentInstructions(String channel, Order order) {
        fields.put("channel", channel);
        fields.put("orderNo", order.orderNo());
        fields.put("amount", order.amount().amount());
        fields.put("currency", order.amount().currency());
    }

    public static PaymentInstructions of(String channel, Order order) {
        return new PaymentInstructions(channel, order);
    }

    public PaymentInstructions with(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    /** The buyer's browser goes to {@code baseUrl} with the signed parameters as its query string. */
    public PaymentInstructions redirect(String baseUrl, Map<String, String> signedParameters) {
        fields.put("method", "GET");
        fields.put("payUrl", baseUrl + "?" + signedParameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
        return this;
    }

    public Map<String, Object> toMap() {
        return fields;
    }
}
