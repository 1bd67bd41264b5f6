package io.kamiflow.fulfillment;

import io.kamiflow.ordering.PaymentWindow;

import java.util.List;

import io.kamiflow.payment.PaymentCompensation;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * Find orders to check (process payment-compensation), on the engine's clock. The order numbers go to the
 * multi-instance "Check payment at gateway" as a transient variable: its instances are created in this same
 * transaction, and the list is never stored (Java-serialized variables are off).
 */
@Component
class FindOrdersToCheckDelegate implements JavaDelegate {

    static final String ORDERS_TO_CHECK = "ordersToCheck";

    private final PaymentCompensation compensation;
    private final FulfillmentSettings settings;
    private final PaymentWindow window;

    FindOrdersToCheckDelegate(PaymentCompensation compensation, FulfillmentSettings settings, PaymentWindow window) {
        this.compensation = compensation;
        this.settings = settings;
        this.window = window;
    }

    @Override
    public void execute(DelegateExecution execution) {
        List<String> orderNos = compensation.ordersToCheck(ClockUtil.getCurrentTime().toInstant(),
                settings.getCompensationMinAge(), window.getOrderTtl().plus(settings.getCompensationMinAge()),
                settings.getCompensationExpiredWindow());
        execution.setVariable(ORDERS_TO_CHECK, Variables.objectValue(orderNos, true).create());
        execution.setVariable("ordersFound", orderNos.size());
    }
}
