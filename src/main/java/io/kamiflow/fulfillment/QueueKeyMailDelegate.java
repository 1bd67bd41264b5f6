package io.kamiflow.fulfillment;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Queue key mail: in the paying callback's transaction, the mail this node sends right after its commit. */
@Component
class QueueKeyMailDelegate implements JavaDelegate {

    private final InstanceOrders orders;
    private final KeyMailQueue queue;

    QueueKeyMailDelegate(InstanceOrders orders, KeyMailQueue queue) {
        this.orders = orders;
        this.queue = queue;
    }

    @Override
    public void execute(DelegateExecution execution) {
        queue.queue(orders.lockedOrRead(execution));
    }
}
