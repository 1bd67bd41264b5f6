package io.kamiflow.gateway.epay;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.Product;
import io.kamiflow.web.LogSafe;
import io.kamiflow.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.GatewayHttp;
import io.kamiflow.payment.GatewayTimeouts;
import io.kamiflow.payment.NotifyFields;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentInstructions;
import io.kamiflow.payment.PaymentNotice;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * 易支付: checkout is a signed submit.php URL the buyer's browser opens; payment arrives at {@link EpayNotifyController}.
 * With an api-url, unpaid orders are looked up with the V1 API's {@code act=order}. Refunds stay manual: V1 has no
 * refund call that deployments share.
 */
@Component
class EpayChannel implements PaymentChannel {

    static final String ID = "epay";

    private final EpayProperties properties;
    private final ObjectMapper json;
    private final RestClient http;

    EpayChannel(EpayProperties properties, ObjectMapper json, GatewayTimeouts timeouts) {
        this.properties = properties;
        this.json = json;
        this.http = GatewayHttp.restClient(timeouts);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
    }

    @Override
    public List<String> missingSettings() {
        return properties.missing();
    }

    @Override
    public Map<String, Object> checkout(Order order, Product product) {
        if (properties.submitUrl() == null || properties.submitUrl().isBlank()) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "epay checkout needs kamiflow.payment.epay.submit-url");
        }
        if (!"CNY".equals(order.amount().currency())) {
            throw Problems.badRequest("epay takes CNY only");
        }
        Map<String, String> fields = new TreeMap<>();
        fields.put("pid", properties.pid());
        fields.put("out_trade_no", order.orderNo());
        fields.put("name", product.name());
        fields.put("money", order.amount().amount());
        putIfSet(fields, "notify_url", properties.notifyUrl());
        putIfSet(fields, "return_url", properties.returnUrl());
        fields.put("sign", EpaySignature.sign(fields, properties.key()));
        fields.put("sign_type", "MD5");

        return PaymentInstructions.of(ID, order).redirect(properties.submitUrl(), fields).with("fields", fields).toMap();
    }

    private static void putIfSet(Map<String, String> fields, String name, String value) {
        if (value != null && !value.isBlank()) {
            fields.put(name, value);
        }
    }

    @Override
    public boolean supportsQuery() {
        return properties.enabled() && properties.apiUrl() != null && !properties.apiUrl().isBlank();
    }

    /**
     * {@code api.php?act=order&pid&key&out_trade_no}: V1 authenticates the merchant by its key in the query and
     * answers unsigned JSON, so this trusts the TLS connection to the configured api-url. code 1 with status 1
     * is paid (trade no = the gateway's trade_no, as in its notify); anything else is "not paid". Neither the
     * URL (it holds the key) nor the gateway's error text is ever logged or thrown.
     */
    @Override
    public Optional<PaymentNotice> query(Order order) {
        String url = UriComponentsBuilder.fromUriString(properties.apiUrl())
                .queryParam("act", "order").queryParam("pid", properties.pid()).queryParam("key", properties.key())
                .queryParam("out_trade_no", order.orderNo()).encode().build().toUriString();
        JsonNode answer;
        try {
            String body = http.get().uri(java.net.URI.create(url)).retrieve().body(String.class);
            answer = json.readTree(body == null ? "" : body);
        } catch (RestClientException | IOException e) {
            throw new IllegalStateException("epay order query failed for order " + order.orderNo() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (answer == null || !"1".equals(answer.path("code").asText()) || !"1".equals(answer.path("status").asText())) {
            return Optional.empty();
        }
        String tradeNo = answer.path("trade_no").asText("");
        if (!order.orderNo().equals(answer.path("out_trade_no").asText())
                || !NotifyFields.same(properties.pid(), answer.path("pid").asText())
                || tradeNo.isBlank() || tradeNo.length() > 128) {
            throw new IllegalStateException("epay answered an order that is not " + order.orderNo() + " of this merchant");
        }
        Money amount;
        try {
            amount = Money.parse(answer.path("money").asText(""), "CNY");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("epay order " + order.orderNo() + " lacks money");
        }
        return Optional.of(new PaymentNotice(ID, tradeNo, order.orderNo(), amount, true, "TRADE_SUCCESS", null,
                "api.php?act=order: trade_no=" + tradeNo + "&out_trade_no=" + order.orderNo() + "&money="
                        + amount.amount() + "&status=1&type=" + LogSafe.of(answer.path("type").asText())));
    }
}
