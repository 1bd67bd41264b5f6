package io.kamiflow.ordering;

public enum OrderStatus {
    PENDING_PAYMENT, PAID, AWAITING_STOCK, DELIVERED, MANUAL, REFUNDED, EXPIRED, CANCELLED
}
