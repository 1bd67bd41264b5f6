/**
 * Money in and out, whatever the gateway: the channel SPI ({@code PaymentChannel}), the one idempotent recording of
 * paid notices (UNIQUE(channel, trade_no)), verification against the order, refunds, closing trades, and the
 * compensation query. Hands a recorded payment to {@link io.kamiflow.payment.PaidOrders}, which the process
 * orchestration implements. Knows no gateway: those live in {@code gateway}. Depends on {@code ordering},
 * {@code inventory}, {@code catalog} and the foundation rooms.
 */
package io.kamiflow.payment;
