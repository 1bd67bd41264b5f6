package io.kamiflow.fulfillment;

import io.kamiflow.payment.PaymentCompensation;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;

/** Query gateways for lost payments (process payment-compensation). */
@Component
class QueryGatewaysForPaymentsDelegate implements JavaDelegate {

    private final PaymentCompensation compensation;
    private final FulfillmentSettings settings;

    QueryGatewaysForPaymentsDelegate(PaymentCompensation compensation, FulfillmentSettings settings) {
        this.compensation = compensation;
        this.settings = settings;
    }

    @Override
    public void execute(DelegateExecution execution) {
        int found = compensation.run(ClockUtil.getCurrentTime().toInstant(), settings.getCompensationMinAge(),
                settings.getOrderTtl().plus(settings.getCompensationMinAge()));
        execution.setVariable("paymentsFound", found);
    }
}
