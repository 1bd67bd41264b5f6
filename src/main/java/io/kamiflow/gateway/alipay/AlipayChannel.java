package io.kamiflow.gateway.alipay;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.PaymentWindow;
import io.kamiflow.web.LogSafe;
import io.kamiflow.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.GatewayTimeouts;
import io.kamiflow.payment.Payment;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentInstructions;
import io.kamiflow.payment.PaymentNotice;
import io.kamiflow.payment.RefundResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Alipay: checkout is a signed alipay.trade.page.pay redirect (no API call: the buyer's browser carries the
 * signed request to the gateway); payment arrives as the async notify that {@link AlipayNotifyController} verifies.
 * Refunds (alipay.trade.refund, out_request_no = the refund's request id) and queries (alipay.trade.query) are OpenAPI calls
 * through {@link AlipayOpenApi}, which trusts only answers signed by Alipay.
 */
@Component
class AlipayChannel implements PaymentChannel {

    static final String ID = "alipay";
    private static final Logger log = LoggerFactory.getLogger(AlipayChannel.class);
    private static final DateTimeFormatter TIMESTAMP = AlipayOpenApi.TIMESTAMP;
    private static final ZoneId ALIPAY_ZONE = AlipayOpenApi.ALIPAY_ZONE;
    private static final Set<String> PAID = Set.of("TRADE_SUCCESS", "TRADE_FINISHED");

    private final AlipayProperties properties;
    private final ObjectMapper json;
    private final PublicKey alipayPublicKey;
    private final PrivateKey merchantKey;
    private final AlipayOpenApi api;
    private final PaymentWindow settings;

    AlipayChannel(AlipayProperties properties, ObjectMapper json, PaymentWindow settings, GatewayTimeouts timeouts) {
        this.properties = properties;
        this.json = json;
        this.settings = settings;
        this.alipayPublicKey = properties.enabled() ? AlipayRsa2.publicKey(properties.alipayPublicKey()) : null;
        this.merchantKey = properties.enabled() && properties.privateKey() != null && !properties.privateKey().isBlank()
                ? AlipayRsa2.privateKey(properties.privateKey()) : null;
        this.api = merchantKey == null ? null
                : new AlipayOpenApi(properties.appId(), properties.gatewayUrl(), merchantKey, alipayPublicKey, json,
                timeouts);
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

    PublicKey alipayPublicKey() {
        return alipayPublicKey;
    }

    @Override
    public Map<String, Object> checkout(Order order, Product product) {
        if (merchantKey == null) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "alipay checkout needs kamiflow.payment.alipay.private-key");
        }
        if (!"CNY".equals(order.amount().currency())) {
            throw Problems.badRequest("alipay takes CNY only");
        }
        Map<String, Object> biz = new LinkedHashMap<>();
        biz.put("out_trade_no", order.orderNo());
        biz.put("total_amount", order.amount().amount());
        biz.put("subject", product.name());
        biz.put("product_code", "FAST_INSTANT_TRADE_PAY");
        // Alipay stops taking money for this trade when the order expires (absolute time, Beijing time)
        biz.put("time_expire", LocalDateTime.ofInstant(settings.expiresAt(order), ALIPAY_ZONE).format(TIMESTAMP));
        Map<String, String> request = new TreeMap<>();
        request.put("app_id", properties.appId());
        request.put("method", "alipay.trade.page.pay");
        request.put("format", "JSON");
        request.put("charset", "utf-8");
        request.put("sign_type", "RSA2");
        request.put("version", "1.0");
        request.put("timestamp", LocalDateTime.now(ALIPAY_ZONE).format(TIMESTAMP));
        putIfSet(request, "notify_url", properties.notifyUrl());
        putIfSet(request, "return_url", properties.returnUrl());
        try {
            request.put("biz_content", json.writeValueAsString(biz));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        request.put("sign", AlipayRsa2.signRequest(request, merchantKey));

        return PaymentInstructions.of(ID, order).redirect(properties.gatewayUrl(), request).toMap();
    }

    private static void putIfSet(Map<String, String> request, String name, String value) {
        if (value != null && !value.isBlank()) {
            request.put(name, value);
        }
    }

    @Override
    public boolean supportsRefund() {
        return api != null;
    }

    /**
     * A full refund through alipay.trade.refund. out_request_no is the refund's request id, so a repeated
     * request refunds nothing more (Alipay answers it with fund_change N). Done only when the signed answer is
     * code 10000 for this trade with refund_fee (the trade's refunded total) covering the payment; the reference
     * is the out_request_no, which with the trade no identifies the refund at Alipay.
     */
    @Override
    public RefundResult refund(Payment payment, String requestId, String reason) {
        Map<String, Object> biz = new LinkedHashMap<>();
        biz.put("trade_no", payment.tradeNo());
        biz.put("refund_amount", payment.amount().amount());
        biz.put("out_request_no", requestId);
        if (reason != null && !reason.isBlank()) {
            biz.put("refund_reason", reason.length() > 200 ? reason.substring(0, 200) : reason);
        }
        AlipayOpenApi.Answer answer = api.call("alipay.trade.refund", biz);
        if (!answer.success()) {
            throw new IllegalStateException("alipay refused the refund of payment " + payment.id() + " ("
                    + LogSafe.of(answer.code()) + " " + LogSafe.of(answer.subCode()) + ")");
        }
        String tradeNo = answer.response().path("trade_no").asText(null);
        Money refunded;
        try {
            refunded = Money.parse(answer.response().path("refund_fee").asText(""), payment.amount().currency());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("alipay refund answer of payment " + payment.id() + " lacks refund_fee");
        }
        if ((tradeNo != null && !tradeNo.equals(payment.tradeNo())) || refunded.minor() < payment.amount().minor()) {
            throw new IllegalStateException("alipay refund answer of payment " + payment.id()
                    + " is for another trade or does not cover the payment");
        }
        log.info("alipay refund {} of payment {} done (fund_change {})", requestId, payment.id(),
                LogSafe.of(answer.response().path("fund_change").asText()));
        return RefundResult.succeeded(requestId);
    }

    @Override
    public boolean supportsClose() {
        return api != null;
    }

    /**
     * alipay.trade.close by out_trade_no. ACQ.TRADE_NOT_EXIST means the buyer never opened the pay page, so there is
     * no trade to close (time_expire keeps the page from opening one now); ACQ.TRADE_STATUS_ERROR means the trade
     * is no longer waiting: paid (the query says so) or already closed.
     */
    @Override
    public CloseOutcome close(Order order) {
        AlipayOpenApi.Answer answer = api.call("alipay.trade.close", Map.of("out_trade_no", order.orderNo()));
        if (answer.success() || "ACQ.TRADE_NOT_EXIST".equals(answer.subCode())) {
            return CloseOutcome.CLOSED;
        }
        if ("ACQ.TRADE_STATUS_ERROR".equals(answer.subCode())) {
            return query(order).isPresent() ? CloseOutcome.ALREADY_PAID : CloseOutcome.CLOSED;
        }
        throw new IllegalStateException("alipay refused to close the trade of order " + order.orderNo() + " ("
                + LogSafe.of(answer.code()) + " " + LogSafe.of(answer.subCode()) + ")");
    }

    @Override
    public boolean supportsQuery() {
        return api != null;
    }

    /**
     * alipay.trade.query by out_trade_no. TRADE_SUCCESS / TRADE_FINISHED give the notice the notify endpoint
     * would record (trade no = Alipay's trade_no); ACQ.TRADE_NOT_EXIST (the buyer never paid) and other
     * statuses are "not paid".
     */
    @Override
    public Optional<PaymentNotice> query(Order order) {
        AlipayOpenApi.Answer answer = api.call("alipay.trade.query", Map.of("out_trade_no", order.orderNo()));
        if (!answer.success()) {
            if ("ACQ.TRADE_NOT_EXIST".equals(answer.subCode())) {
                return Optional.empty();
            }
            throw new IllegalStateException("alipay trade query failed for order " + order.orderNo() + " ("
                    + LogSafe.of(answer.code()) + " " + LogSafe.of(answer.subCode()) + ")");
        }
        JsonNode trade = answer.response();
        String status = trade.path("trade_status").asText();
        if (!PAID.contains(status)) {
            return Optional.empty();
        }
        String tradeNo = trade.path("trade_no").asText("");
        if (!order.orderNo().equals(trade.path("out_trade_no").asText()) || tradeNo.isBlank() || tradeNo.length() > 128) {
            throw new IllegalStateException("alipay answered a trade that is not order " + order.orderNo());
        }
        Money amount;
        try {
            amount = Money.parse(trade.path("total_amount").asText(""), "CNY");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("alipay trade of order " + order.orderNo() + " lacks total_amount");
        }
        return Optional.of(new PaymentNotice(ID, tradeNo, order.orderNo(), amount, true, status, null,
                "alipay.trade.query: " + answer.raw()));
    }
}
