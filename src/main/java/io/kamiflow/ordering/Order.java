package io.kamiflow.ordering;

import java.time.OffsetDateTime;

import io.kamiflow.catalog.Money;

public record Order(long id, String orderNo, long productId, int quantity, Money amount, String buyerEmail,
                    String accessTokenHash, String channel, OrderStatus status, Long paymentId,
                    OffsetDateTime createdAt, OffsetDateTime paidAt, OffsetDateTime deliveredAt) {
}
