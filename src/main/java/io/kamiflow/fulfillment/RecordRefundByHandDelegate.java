package io.kamiflow.fulfillment;

import io.kamiflow.payment.RefundService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Record refund returned by hand: the payment is refunded under the reference support entered in the task. */
@Component
class RecordRefundByHandDelegate implements JavaDelegate {

    private final RefundService refunds;

    private final InstanceOrders orders;

    RecordRefundByHandDelegate(RefundService refunds, InstanceOrders orders) {
        this.refunds = refunds;
        this.orders = orders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Object note = execution.getVariable(ProcessVariables.MANUAL_REFUND_NOTE);
        refunds.recordReturnedByHand(orders.paymentId(execution),
                execution.getVariable(ProcessVariables.MANUAL_REFUND_REFERENCE).toString().strip(),
                note == null ? null : note.toString());
    }
}
