package io.kamiflow.payment;

import io.kamiflow.catalog.Money;

/**
 * A verified gateway notice, normalized: which order, which gateway trade, how much, and the raw
 * notice kept for audit (never with secrets in it).
 */
public record PaymentNotice(String channel, String tradeNo, String orderNo, Money amount, String rawStatus,
                            String rawNotice) {
}
