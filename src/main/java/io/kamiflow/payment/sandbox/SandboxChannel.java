package io.kamiflow.payment.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.PaymentChannel;
import org.springframework.stereotype.Component;

@Component
class SandboxChannel implements PaymentChannel {

    static final String ID = "sandbox";

    private final SandboxProperties properties;

    SandboxChannel(SandboxProperties properties) {
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
        Map<String, Object> payment = new LinkedHashMap<>();
        payment.put("channel", ID);
        payment.put("notifyUrl", "/api/payments/sandbox/notify");
        payment.put("orderNo", order.orderNo());
        payment.put("amount", order.amount().amount());
        payment.put("currency", order.amount().currency());
        return payment;
    }
}
