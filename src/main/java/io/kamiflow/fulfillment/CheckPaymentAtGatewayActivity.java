package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.payment.PaymentCompensation;
import org.springframework.stereotype.Component;

/**
 * Check payment at gateway (process payment-compensation), one call per order: a payment found is recorded and its
 * order-fulfillment started in one commit after the gateway answered, as a callback would be.
 */
@Component
class CheckPaymentAtGatewayActivity implements GatewayActivity {

    static final String TOPIC = "check-payment-at-gateway";

    private final PaymentCompensation compensation;

    CheckPaymentAtGatewayActivity(PaymentCompensation compensation) {
        this.compensation = compensation;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Map<String, Object> call(String orderNo) {
        return Map.of("paymentFound", compensation.check(orderNo));
    }
}
