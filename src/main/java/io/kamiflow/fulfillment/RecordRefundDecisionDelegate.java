package io.kamiflow.fulfillment;

import io.kamiflow.payment.RefundService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Record refund decision (payment-refund's first step, in the transaction that started it): this instance carries the
 * payment's one refund unless another running instance does; {@code refundStatus} tells the process which way it goes.
 */
@Component
class RecordRefundDecisionDelegate implements JavaDelegate {

    private final RefundService refunds;
    private final InstanceOrders orders;

    RecordRefundDecisionDelegate(RefundService refunds, InstanceOrders orders) {
        this.refunds = refunds;
        this.orders = orders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        RuntimeService runtime = execution.getProcessEngineServices().getRuntimeService();
        RefundService.Progress progress = refunds.decide(orders.paymentId(execution), execution.getProcessInstanceId(),
                instance -> runtime.createProcessInstanceQuery().processInstanceId(instance).count() > 0);
        execution.setVariable(ProcessVariables.REFUND_STATUS, progress.name());
    }
}
