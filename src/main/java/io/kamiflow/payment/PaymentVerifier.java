package io.kamiflow.payment;

import io.kamiflow.catalog.Money;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderPaid;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Decides whether a recorded payment pays its order. Runs under the order's row lock, so two
 * payments for one order (other trade no, other channel) cannot both be accepted.
 */
@Service
public class PaymentVerifier {

    /** Why a payment needs a person: null when it pays the order. */
    public enum Discrepancy { AMOUNT_MISMATCH, CURRENCY_MISMATCH, ORDER_NOT_PAYABLE, ALREADY_PAID }

    private final JdbcClient jdbc;
    private final OrderRepository orders;
    private final ApplicationEventPublisher events;

    PaymentVerifier(JdbcClient jdbc, OrderRepository orders, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.orders = orders;
        this.events = events;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Discrepancy verify(String orderNo, long paymentId) {
        Order order = orders.lockByOrderNo(orderNo).orElseThrow();
        Money paid = jdbc.sql("SELECT amount_minor, currency FROM payment WHERE id = ?").param(paymentId)
                .query((rs, row) -> new Money(rs.getLong("amount_minor"), rs.getString("currency"))).single();
        if (order.paymentId() != null) {
            return order.paymentId() == paymentId ? null : Discrepancy.ALREADY_PAID;
        }
        if (order.status() != OrderStatus.PENDING_PAYMENT) {
            return Discrepancy.ORDER_NOT_PAYABLE;
        }
        if (!paid.currency().equals(order.amount().currency())) {
            return Discrepancy.CURRENCY_MISMATCH;
        }
        if (paid.minor() != order.amount().minor()) {
            return Discrepancy.AMOUNT_MISMATCH;
        }
        orders.markPaidBy(order.id(), paymentId);
        events.publishEvent(new OrderPaid(order.id(), order.orderNo()));
        return null;
    }

    /**
     * Support accepted a payment under review: it pays the order unless another payment already did
     * or the order is past being paid. @return null when accepted, else why not (shown on the task)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String acceptReviewed(String orderNo, long paymentId) {
        Order order = orders.lockByOrderNo(orderNo).orElseThrow();
        if (order.paymentId() != null) {
            return order.paymentId() == paymentId ? null
                    : "order " + orderNo + " is already paid by payment " + order.paymentId() + "; refund this payment instead";
        }
        if (order.status() != OrderStatus.PENDING_PAYMENT && order.status() != OrderStatus.EXPIRED
                && order.status() != OrderStatus.CANCELLED) {
            return "order " + orderNo + " is " + order.status() + " and cannot take this payment; refund it instead";
        }
        orders.markPaidBy(order.id(), paymentId);
        events.publishEvent(new OrderPaid(order.id(), order.orderNo()));
        return null;
    }
}
