package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.calls.RemoteCall;
import io.kamiflow.payment.GatewayRefunds;
import io.kamiflow.payment.RefundService;
import org.springframework.stereotype.Component;

/** Refund payment (payment-refund, topic refund-payment): asks the gateway to return the money of the decided refund. */
@Component
class RefundPaymentCall implements RemoteCall {

    static final String TOPIC = "refund-payment";

    private final GatewayRefunds gateways;
    private final InstanceOrders orders;

    RefundPaymentCall(GatewayRefunds gateways, InstanceOrders orders) {
        this.gateways = gateways;
        this.orders = orders;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Completion call(CallTask task) {
        Object reason = task.variables().get(ProcessVariables.REFUND_REASON);
        RefundService.Progress progress = gateways.refund(
                orders.paymentOf(task.businessKey(), task.variables().get(ProcessVariables.PAYMENT_ID)),
                task.processInstanceId(), reason == null ? "refund decided" : reason.toString());
        return Completion.with(Map.of(ProcessVariables.REFUND_STATUS, progress.name()));
    }
}
