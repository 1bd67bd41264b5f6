package io.kamiflow.fulfillment;

import java.util.HashMap;
import java.util.Map;

import io.kamiflow.calls.RemoteCall;
import io.kamiflow.payment.GatewayRefunds;
import io.kamiflow.payment.RefundResult;
import io.kamiflow.payment.RefundService;
import org.springframework.stereotype.Component;

/**
 * Check refund result (payment-refund, topic check-refund-result): asks the gateway about a refund it is still
 * settling; SUCCEEDED records it as returned, a refund the gateway gave up goes to support.
 */
@Component
class CheckRefundResultCall implements RemoteCall {

    static final String TOPIC = "check-refund-result";

    private final GatewayRefunds gateways;
    private final InstanceOrders orders;

    CheckRefundResultCall(GatewayRefunds gateways, InstanceOrders orders) {
        this.gateways = gateways;
        this.orders = orders;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Completion call(CallTask task) {
        RefundResult result = gateways.checkRefund(
                orders.paymentOf(task.businessKey(), task.variables().get(ProcessVariables.PAYMENT_ID)));
        Map<String, Object> variables = new HashMap<>();
        variables.put(ProcessVariables.REFUND_STATUS, switch (result.state()) {
            case SUCCEEDED -> RefundService.Progress.SUCCEEDED.name();
            case PROCESSING -> RefundService.Progress.PROCESSING.name();
            case FAILED -> RefundService.Progress.GATEWAY_GAVE_UP.name();
        });
        if (result.state() == RefundResult.State.FAILED) {
            variables.put(ProcessVariables.GATEWAY_REFUND_STATUS, result.gatewayStatus());
        }
        return Completion.with(variables);
    }
}
