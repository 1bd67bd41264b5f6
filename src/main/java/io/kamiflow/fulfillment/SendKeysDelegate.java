package io.kamiflow.fulfillment;

import io.kamiflow.delivery.KeyDeliveryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Send keys: runs in its own job after Claim keys committed, so a mail failure never touches the claim. */
@Component
class SendKeysDelegate implements JavaDelegate {

    private final KeyDeliveryService delivery;

    SendKeysDelegate(KeyDeliveryService delivery) {
        this.delivery = delivery;
    }

    @Override
    public void execute(DelegateExecution execution) {
        delivery.deliver(((Number) execution.getVariable(ProcessVariables.ORDER_ID)).longValue());
    }
}
