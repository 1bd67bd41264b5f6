package io.kamiflow.fulfillment;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a delegate acts on, taken from what no client can change. The order comes from the business key
 * (the order no), never from a variable; the payment id variable is trusted only when that payment
 * belongs to the instance's order. Variables stay in Cockpit for people to read.
 */
@Component
class InstanceOrders {

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

    long paymentId(DelegateExecution execution) {
        long paymentId = ProcessVariables.paymentId(execution);
        String orderNo = execution.getProcessBusinessKey();
        boolean ours = jdbc.sql("SELECT count(*) FROM payment WHERE id = ? AND order_no = ?").params(paymentId, orderNo)
                .query(Long.class).single() == 1;
        if (!ours) {
            throw new IllegalStateException("payment " + paymentId + " does not belong to order " + orderNo);
        }
        return paymentId;
    }
}
