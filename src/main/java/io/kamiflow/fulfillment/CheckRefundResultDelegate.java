package io.kamiflow.fulfillment;

import io.kamiflow.payment.RefundResult;
import io.kamiflow.payment.RefundService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Check refund result: asks the gateway about a refund it is still settling; SUCCEEDED records it as returned. */
@Component
class CheckRefundResultDelegate implements JavaDelegate {

    private final RefundService refunds;

    private final InstanceOrders orders;

    CheckRefundResultDelegate(RefundService refunds, InstanceOrders orders) {
        this.refunds = refunds;
        this.orders = orders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        RefundResult result = refunds.checkRefund(orders.paymentId(execution));
        execution.setVariable(ProcessVariables.REFUND_STATUS, switch (result.state()) {
            case SUCCEEDED -> RefundService.Progress.SUCCEEDED.name();
            case PROCESSING -> RefundService.Progress.PROCESSING.name();
            case FAILED -> RefundService.Progress.GATEWAY_GAVE_UP.name();
        });
        if (result.state() == RefundResult.State.FAILED) {
            execution.setVariable(ProcessVariables.GATEWAY_REFUND_STATUS, result.gatewayStatus());
        }
    }
}
