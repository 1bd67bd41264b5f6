package io.kamiflow.fulfillment;

import io.kamiflow.payment.PaymentVerifier;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/** Verify payment: does this payment pay this order? The answer picks the next path. */
@Component
class VerifyPaymentDelegate implements JavaDelegate {

    private final PaymentVerifier verifier;
    private final InstanceOrders orders;

    VerifyPaymentDelegate(PaymentVerifier verifier, InstanceOrders orders) {
        this.verifier = verifier;
        this.orders = orders;
    }

    @Override
    public void execute(DelegateExecution execution) {
        // the paying callback locked the order and inserted the payment in this transaction; a job locks and reads
        PaymentVerifier.Verdict verdict = LockedOrders.takePaying(execution)
                .map(paying -> verifier.verifyLocked(paying.order(), paying.paymentId(), paying.paid()))
                .orElseGet(() -> verifier.verify(execution.getProcessBusinessKey(), orders.paymentId(execution)));
        PaymentVerifier.Discrepancy discrepancy = verdict.discrepancy();
        LockedOrders.handDown(execution, verdict.order()); // Claim keys and Queue key mail act on it
        // the verdict only picks the next path (same transaction): transient, never written to the database or history
        execution.setVariable(ProcessVariables.PAYMENT_VERIFIED, Variables.booleanValue(discrepancy == null, true));
        if (discrepancy != null) { // the reviewer's form shows it
            execution.setVariable(ProcessVariables.DISCREPANCY, discrepancy.name());
        }
    }
}
