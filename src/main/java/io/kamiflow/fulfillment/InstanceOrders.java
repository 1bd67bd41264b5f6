package io.kamiflow.fulfillment;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a delegate acts on, taken from what no client can change. The order comes from the business key
 * (the order no), never from a variable. The payment an instance serves is the payment row that names the
 * instance (set in the transaction that started it); a payment id variable (instances an admin started for
 * a finished order, payment-refund's input, the transient one of the callback's own transaction) is trusted
 * only when that payment belongs to the instance's order. An order's happy path writes no variables at all.
 */
@Component("instanceOrders")
public class InstanceOrders {

    private final OrderRepository orders;
    private final JdbcClient jdbc;

    InstanceOrders(OrderRepository orders, JdbcClient jdbc) {
        this.orders = orders;
        this.jdbc = jdbc;
    }

    Order order(DelegateExecution execution) {
        String orderNo = execution.getProcessBusinessKey();
        return orders.findByOrderNo(orderNo)
                .orElseThrow(() -> new IllegalStateException("instance " + execution.getProcessInstanceId()
                        + " names no order (business key " + orderNo + ")"));
    }

    /**
     * The order as the step before in this transaction left it under its row lock (Verify payment, Accept reviewed
     * payment: {@link LockedOrders}), else read now (a job that starts here, e.g. after a restock). Only for steps that
     * run right after such a step, with nothing between them that changes the order.
     */
    Order lockedOrRead(DelegateExecution execution) {
        return LockedOrders.of(execution).orElseGet(() -> order(execution));
    }

    /** Public for payment-refund's input mapping, {@code ${instanceOrders.paymentId(execution)}}. */
    public long paymentId(DelegateExecution execution) {
        String orderNo = execution.getProcessBusinessKey();
        Object variable = execution.getVariable(ProcessVariables.PAYMENT_ID);
        if (variable == null) {
            return jdbc.sql("SELECT id FROM payment WHERE order_no = ? AND process_instance_id = ?")
                    .params(orderNo, execution.getProcessInstanceId()).query(Long.class).optional()
                    .orElseThrow(() -> new IllegalStateException("instance " + execution.getProcessInstanceId()
                            + " of order " + orderNo + " serves no payment"));
        }
        return paymentOf(orderNo, variable);
    }

    /** The payment a payment id variable names, trusted only when that payment belongs to the order. */
    long paymentOf(String orderNo, Object variable) {
        if (!(variable instanceof Number number)) {
            throw new IllegalStateException("order " + orderNo + ": no payment id given");
        }
        long paymentId = number.longValue();
        boolean ours = jdbc.sql("SELECT count(*) FROM payment WHERE id = ? AND order_no = ?").params(paymentId, orderNo)
                .query(Long.class).single() == 1;
        if (!ours) {
            throw new IllegalStateException("payment " + paymentId + " does not belong to order " + orderNo);
        }
        return paymentId;
    }
}
