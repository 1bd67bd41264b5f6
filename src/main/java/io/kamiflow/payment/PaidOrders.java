package io.kamiflow.payment;

import io.kamiflow.catalog.Money;
import io.kamiflow.ordering.Order;

/**
 * What happens to an order once its payment is recorded: implemented by fulfillment's {@code FulfillmentStarter},
 * which starts the order's process in the recording transaction. Payment names it here so that the process
 * orchestration sits above payment and the arrow between the two rooms points one way.
 */
public interface PaidOrders {

    /**
     * Verify payment and Claim keys run in the caller's transaction, on {@code locked}: the order the caller read under
     * its row lock ({@code FOR UPDATE}) in this transaction, not read again; {@code paid} is the amount of the payment
     * row it inserted. @return the new process instance's id
     */
    String start(Order locked, long paymentId, Money paid);

    /** The fallback when that inline work failed: the claim waits in a job. @return the new instance's id */
    String startDeferred(Order order, long paymentId);

    /**
     * Runs a callback's recording and returns after the work it handed on after its commits (the key mail) is done,
     * or after a bounded wait: the gateway's answer follows the buyer's keys.
     */
    <T> T pacedByFollowUps(java.util.function.Supplier<T> recording);
}
