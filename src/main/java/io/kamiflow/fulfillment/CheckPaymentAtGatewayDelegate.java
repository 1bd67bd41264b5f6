package io.kamiflow.fulfillment;

import io.kamiflow.payment.PaymentCompensation;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Check payment at gateway (process payment-compensation), one job per order: a payment found is recorded and
 * its order-fulfillment started in this job's transaction, so both commit or neither does (and the job retries).
 */
@Component
class CheckPaymentAtGatewayDelegate implements JavaDelegate {

    private final PaymentCompensation compensation;

    CheckPaymentAtGatewayDelegate(PaymentCompensation compensation) {
        this.compensation = compensation;
    }

    @Override
    public void execute(DelegateExecution execution) {
        boolean found = compensation.check((String) execution.getVariable(ProcessVariables.ORDER_NO));
        execution.setVariableLocal("paymentFound", found);
    }
}
