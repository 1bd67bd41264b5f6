package io.kamiflow.ordering;

import java.time.OffsetDateTime;

import io.kamiflow.catalog.Money;

/** @param personalDataErasedAt when the retention policy erased the buyer's data (null: kept); buyerEmail is then a placeholder */
public record Order(long id, String orderNo, long productId, int quantity, Money amount, String buyerEmail,
                    String accessTokenHash, String channel, OrderStatus status, Long paymentId,
                    OffsetDateTime createdAt, OffsetDateTime paidAt, OffsetDateTime deliveredAt,
                    OffsetDateTime personalDataErasedAt) {

    /** No address to mail, nothing that links the order to a person: it is kept for the accounting only. */
    public boolean personalDataErased() {
        return personalDataErasedAt != null;
    }
}
