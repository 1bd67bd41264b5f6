package io.kamiflow.payment;

import io.kamiflow.catalog.Money;

/** A recorded payment row. */
public record Payment(long id, String channel, String tradeNo, String orderNo, Money amount) {
}
