package io.kamiflow.payment.alipay;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.catalog.Product;
import io.kamiflow.ops.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentInstructions;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Alipay: checkout is a signed alipay.trade.page.pay redirect (no API call: the buyer's browser carries the
 * signed request to the gateway); payment arrives as the async notify that {@link AlipayNotifyController} verifies.
 */
@Component
class AlipayChannel implements PaymentChannel {

    static final String ID = "alipay";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final ZoneId ALIPAY_ZONE = ZoneId.of("Asia/Shanghai");

    private final AlipayProperties properties;
    private final ObjectMapper json;
    private final PublicKey alipayPublicKey;
    private final PrivateKey merchantKey;

    AlipayChannel(AlipayProperties properties, ObjectMapper json) {
        this.properties = properties;
        this.json = json;
        this.alipayPublicKey = properties.enabled() ? AlipayRsa2.publicKey(properties.alipayPublicKey()) : null;
        this.merchantKey = properties.enabled() && properties.privateKey() != null && !properties.privateKey().isBlank()
                ? AlipayRsa2.privateKey(properties.privateKey()) : null;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
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
}
