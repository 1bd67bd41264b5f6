package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.ordering.Order;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstantiationBuilder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starts order-fulfillment in the caller's transaction: the instance exists if and only if the
 * payment row committed. Verify payment and Claim keys run in that transaction too (no job between the
 * callback and the claim: the buyer's keys are on the order page when the callback answers), and Send keys
 * waits for its own job. {@link #startDeferred} is the fallback when that inline work failed: the instance
 * starts at "Claim deferred to a job" and the claim runs in a job with retries.
 */
@Component
public class FulfillmentStarter {

    static final String CLAIM_DEFERRED = "ClaimDeferred";

    private final RuntimeService runtime;

    FulfillmentStarter(RuntimeService runtime) {
        this.runtime = runtime;
    }

    /** @return the id of the new instance, for the payment row's record of which instance serves it */
    @Transactional(propagation = Propagation.MANDATORY)
    public String start(Order order, long paymentId) {
        return instance(order, paymentId).execute().getId();
    }

    /** @return the id of the new instance, which waits in a job before Verify payment */
    @Transactional(propagation = Propagation.MANDATORY)
    public String startDeferred(Order order, long paymentId) {
        return instance(order, paymentId).startBeforeActivity(CLAIM_DEFERRED).execute().getId();
    }

    private ProcessInstantiationBuilder instance(Order order, long paymentId) {
        return runtime.createProcessInstanceByKey(ProcessVariables.PROCESS_KEY)
                .businessKey(order.orderNo())
                .setVariables(Map.of(ProcessVariables.ORDER_NO, order.orderNo(), // the task forms show it
                        ProcessVariables.PAYMENT_ID, paymentId));
    }
}
