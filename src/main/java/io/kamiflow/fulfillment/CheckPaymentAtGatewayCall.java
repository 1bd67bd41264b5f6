package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.calls.RemoteCall;
import io.kamiflow.payment.PaymentCompensation;
import org.springframework.stereotype.Component;

/**
 * Check payment at gateway (payment-compensation, topic check-payment-at-gateway), one call per order: a payment
 * found is recorded and its order-fulfillment started in one commit after the gateway answered, as a callback's.
 */
@Component
class CheckPaymentAtGatewayCall implements RemoteCall {

    static final String TOPIC = "check-payment-at-gateway";

    private final PaymentCompensation compensation;

    CheckPaymentAtGatewayCall(PaymentCompensation compensation) {
        this.compensation = compensation;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Completion call(CallTask task) {
        return Completion.with(Map.of("paymentFound", compensation.check((String) task.variables().get(ProcessVariables.ORDER_NO))));
    }

    @Override
    public boolean leavesLocalVariables() {
        return true; // one instance of a multi-instance per order
    }

    @Override
    public String orderNo(CallTask task) { // an instance of the periodic process per order
        return (String) task.variables().get(ProcessVariables.ORDER_NO);
    }
}
