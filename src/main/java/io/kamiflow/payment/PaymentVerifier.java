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

    /**
     * The verdict, and the order as this transaction left it under its row lock (PAID by this payment when it pays it):
     * the steps after Verify payment in the same transaction act on it instead of reading the row again.
     */
    public record Verdict(Discrepancy discrepancy, Order order) {
    }

    /** Locks the order and reads the payment's amount: for a job, which must see the order as it is now. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Verdict verify(String orderNo, long paymentId) {
        Order order = orders.lockByOrderNo(orderNo).orElseThrow();
        Money paid = jdbc.sql("SELECT amount_minor, currency FROM payment WHERE id = ?").param(paymentId)
                .query((rs, row) -> new Money(rs.getLong("amount_minor"), rs.getString("currency"))).single();
        return verifyLocked(order, paymentId, paid);
    }

    /**
     * As {@link #verify}, for the paying callback: {@code locked} was read under its row lock ({@code FOR UPDATE}) in
     * this transaction, and {@code paid} is the amount of the payment row this transaction inserted.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Verdict verifyLocked(Order locked, long paymentId, Money paid) {
        if (locked.paymentId() != null) {
            return new Verdict(locked.paymentId() == paymentId ? null : Discrepancy.ALREADY_PAID, locked);
        }
        if (locked.status() != OrderStatus.PENDING_PAYMENT) {
            return new Verdict(Discrepancy.ORDER_NOT_PAYABLE, locked);
        }
        if (!paid.currency().equals(locked.amount().currency())) {
            return new Verdict(Discrepancy.CURRENCY_MISMATCH, locked);
        }
        if (paid.minor() != locked.amount().minor()) {
            return new Verdict(Discrepancy.AMOUNT_MISMATCH, locked);
        }
        Order paidOrder = orders.markPaidBy(locked.id(), paymentId);
        events.publishEvent(new OrderPaid(paidOrder));
        return new Verdict(null, paidOrder);
    }

    /**
     * Support accepted a payment under review: it pays the order unless another payment already did
     * or the order is past being paid.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Acceptance acceptReviewed(String orderNo, long paymentId) {
        Order order = orders.lockByOrderNo(orderNo).orElseThrow();
        if (order.paymentId() != null) {
            return new Acceptance(order.paymentId() == paymentId ? null
                    : "order " + orderNo + " is already paid by payment " + order.paymentId() + "; refund this payment instead",
                    order);
        }
        if (order.status() != OrderStatus.PENDING_PAYMENT && order.status() != OrderStatus.EXPIRED
                && order.status() != OrderStatus.CANCELLED) {
            return new Acceptance("order " + orderNo + " is " + order.status() + " and cannot take this payment; refund it instead",
                    order);
        }
        Order paidOrder = orders.markPaidBy(order.id(), paymentId);
        events.publishEvent(new OrderPaid(paidOrder));
        return new Acceptance(null, paidOrder);
    }

    /**
     * @param refusal null when accepted, else why not (shown on the task)
     * @param order the order as this transaction left it under its row lock
     */
    public record Acceptance(String refusal, Order order) {
    }
}
