package io.kamiflow.payment;

import io.kamiflow.ordering.Order;

/**
 * What happens to an order once its payment is recorded: implemented by fulfillment's {@code FulfillmentStarter},
 * which starts the order's process in the recording transaction. Payment names it here so that the process
 * orchestration sits above payment and the arrow between the two rooms points one way.
 */
public interface PaidOrders {

    /** Verify payment and Claim keys run in the caller's transaction. @return the new process instance's id */
    String start(Order order, long paymentId);

    /** The fallback when that inline work failed: the claim waits in a job. @return the new instance's id */
    String startDeferred(Order order, long paymentId);
}
