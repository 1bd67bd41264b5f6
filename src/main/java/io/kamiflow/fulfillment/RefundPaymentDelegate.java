package io.kamiflow.fulfillment;

import io.kamiflow.payment.RefundService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Refund payment: through the channel's refund operation where it has one, else recorded as a manual refund. */
@Component
class RefundPaymentDelegate implements JavaDelegate {

    private final RefundService refunds;
    private final InstanceOrders orders;

    RefundPaymentDelegate(RefundService refunds, InstanceOrders orders) {
        this.refunds = refunds;
        this.orders = orders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Object reason = execution.getVariable(ProcessVariables.REFUND_REASON);
        refunds.refund(orders.paymentId(execution),
                reason == null ? "refund decided at " + execution.getCurrentActivityName() : reason.toString());
    }
}
