package io.kamiflow.ordering;

/**
 * Published inside the transaction that marked an order paid (a verified payment, or one support accepted); listeners
 * that tell someone record their intent in it, so nothing is told for a payment rolled back.
 *
 * @param order the order as paid, under its row lock in the publishing transaction: listeners need not read it again
 */
public record OrderPaid(Order order) {

    public long orderId() {
        return order.id();
    }

    public String orderNo() {
        return order.orderNo();
    }
}
