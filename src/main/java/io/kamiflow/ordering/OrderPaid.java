package io.kamiflow.ordering;

/**
 * Published inside the transaction that marked an order paid (a verified payment, or one support accepted); listeners
 * that tell someone record their intent in it, so nothing is told for a payment rolled back.
 */
public record OrderPaid(long orderId, String orderNo) {
}
