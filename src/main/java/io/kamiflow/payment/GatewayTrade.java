package io.kamiflow.payment;

import java.time.Instant;

import io.kamiflow.catalog.Money;

/** A paid trade as the gateway's own ledger lists it ({@link PaymentChannel#paidTrades}): its word, not ours. */
public record GatewayTrade(String tradeNo, String orderNo, Money amount, Instant paidAt) {
}
