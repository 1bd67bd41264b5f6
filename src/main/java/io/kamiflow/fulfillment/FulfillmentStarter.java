package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.ordering.Order;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starts order-fulfillment in the caller's transaction: the instance exists if and only if the
 * payment row committed. The start event is asyncAfter, so the gateway's callback answers at once
 * and the work continues in a job.
 */
@Component
public class FulfillmentStarter {

    private final RuntimeService runtime;

    FulfillmentStarter(RuntimeService runtime) {
        this.runtime = runtime;
    }

    /** @return the id of the new instance, for the payment row's record of which instance serves it */
    @Transactional(propagation = Propagation.MANDATORY)
    public String start(Order order, long paymentId) {
        return runtime.createProcessInstanceByKey(ProcessVariables.PROCESS_KEY)
                .businessKey(order.orderNo())
                .setVariables(Map.of(ProcessVariables.ORDER_NO, order.orderNo(),
                        ProcessVariables.ORDER_ID, order.id(),
                        ProcessVariables.PAYMENT_ID, paymentId))
                .execute().getId();
    }
}
