package io.kamiflow.payment;

import io.kamiflow.catalog.Money;

/**
 * A verified gateway notice, normalized for every channel: which order, which gateway trade, how
 * much, whether it means "paid", the gateway's raw status and event id, and the raw notice kept for
 * audit (never with secrets in it). Only paid notices are recorded; others are acknowledged and ignored.
 */
public record PaymentNotice(String channel, String tradeNo, String orderNo, Money amount, boolean paid,
                            String rawStatus, String eventId, String rawNotice) {

    /** A paid notice without a separate gateway event id. */
    public static PaymentNotice paid(String channel, String tradeNo, String orderNo, Money amount, String rawStatus,
                                     String rawNotice) {
        return new PaymentNotice(channel, tradeNo, orderNo, amount, true, rawStatus, null, rawNotice);
    }
}
