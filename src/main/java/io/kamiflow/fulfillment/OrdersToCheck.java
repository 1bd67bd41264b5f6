package io.kamiflow.fulfillment;

import java.util.List;

import io.kamiflow.payment.PaymentCompensation;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;

/**
 * The collection of the multi-instance "Check payment at gateway": order numbers only (the engine stores no Java
 * lists), evaluated on the engine's clock so tests and ops reason in process time.
 */
@Component("ordersToCheck")
public class OrdersToCheck {

    private final PaymentCompensation compensation;
    private final FulfillmentSettings settings;

    OrdersToCheck(PaymentCompensation compensation, FulfillmentSettings settings) {
        this.compensation = compensation;
        this.settings = settings;
    }

    public List<String> atGateway() {
        return compensation.ordersToCheck(ClockUtil.getCurrentTime().toInstant(), settings.getCompensationMinAge(),
                settings.getOrderTtl().plus(settings.getCompensationMinAge()));
    }
}
