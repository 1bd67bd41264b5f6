package io.kamiflow.payment.epay;

import java.util.Map;
import java.util.TreeMap;

import io.kamiflow.catalog.Product;
import io.kamiflow.ops.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentInstructions;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** 易支付: checkout is a signed submit.php URL the buyer's browser opens; payment arrives at {@link EpayNotifyController}. */
@Component
class EpayChannel implements PaymentChannel {

    static final String ID = "epay";

    private final EpayProperties properties;

    EpayChannel(EpayProperties properties) {
        this.properties = properties;
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
}
