package io.kamiflow.fulfillment;

import io.kamiflow.payment.PaymentVerifier;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Accept reviewed payment: support accepted it; the order becomes paid by it, or back to review saying why not. */
@Component
class AcceptPaymentDelegate implements JavaDelegate {

    private final PaymentVerifier verifier;
    private final InstanceOrders orders;

    AcceptPaymentDelegate(PaymentVerifier verifier, InstanceOrders orders) {
        this.verifier = verifier;
        this.orders = orders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        PaymentVerifier.Acceptance accepted = verifier.acceptReviewed(execution.getProcessBusinessKey(),
                orders.paymentId(execution));
        if (accepted.refusal() != null) {
            execution.removeVariable(ProcessVariables.REVIEW_DECISION);
            throw new BpmnError(ProcessVariables.CANNOT_ACCEPT_ERROR, accepted.refusal());
        }
        LockedOrders.handDown(execution, accepted.order()); // Claim keys acts on it
    }
}
