package io.kamiflow.payment;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.Order;

/**
 * A payment gateway. Each lives in its own sub-package with its notify endpoint, which verifies the
 * gateway's callback, turns it into a {@link PaymentNotice}, hands it to {@link PaymentRecorder} and
 * answers exactly what the gateway expects. A channel whose settings are absent is disabled: it
 * offers no checkout and its endpoint answers 404. Adding a channel touches no other channel.
 */
public interface PaymentChannel {

    String id();

    boolean enabled();

    /** The path of the endpoint the gateway calls (under the shop's public base URL), for its merchant console. */
    default String notifyPath() {
        return "/api/payments/" + id() + "/notify";
    }

    /** The settings still needed to turn this channel on, by property name, never a value; empty when it is on. */
    default List<String> missingSettings() {
        return List.of();
    }

    /** What the buyer's client needs to pay this order (a pay URL, signed form fields, ...). */
    Map<String, Object> checkout(Order order, Product product);

    /** Whether {@link #query} asks the gateway (used by the compensation process). */
    default boolean supportsQuery() {
        return false;
    }

    /** Asks the gateway about an unpaid order: a paid notice when it was paid, empty when not (yet). */
    default Optional<PaymentNotice> query(Order order) {
        return Optional.empty();
    }

    /**
     * Whether {@link #paidTrades} lists the gateway's paid trades (a bill download): how the owner finds payments for
     * orders this shop does not have, e.g. after a restore from a backup (UnknownTrades).
     */
    default boolean supportsTradeList() {
        return false;
    }

    /**
     * The trades the gateway holds as paid in {@code [from, to)}, whatever our database knows. Called outside any
     * transaction, with bounded time; an answer that is not the gateway's throws.
     */
    default List<GatewayTrade> paidTrades(java.time.Instant from, java.time.Instant to) {
        throw new UnsupportedOperationException(id() + " cannot list its trades through its API");
    }

    /** What a gateway said when asked to close an expired order's trade. */
    enum CloseOutcome {
        /** closed now or before, or never opened there: the buyer can no longer pay it */
        CLOSED,
        /** the buyer paid before the close: the callback (or compensation) records it, Verify payment sends it to review */
        ALREADY_PAID
    }

    /** Whether {@link #close} can stop the gateway from taking a payment for an expired order. */
    default boolean supportsClose() {
        return false;
    }

    /**
     * Closes the order's trade at the gateway so the buyer can no longer pay an expired order. Must be idempotent
     * (a retried job closes again); throws when the gateway cannot be reached or refuses for another reason.
     */
    default CloseOutcome close(Order order) {
        throw new UnsupportedOperationException(id() + " cannot close trades through its API");
    }

    /** Whether {@link #refund} asks the gateway to return the money; otherwise support returns it by hand. */
    default boolean supportsRefund() {
        return false;
    }

    /**
     * Returns the money of a recorded payment through the gateway, under {@code requestId}: the refund's idempotency
     * key (Stripe Idempotency-Key, Alipay out_request_no, WeChat out_refund_no), the same for every call of this
     * refund, so a repeated call (after a crash, a timeout, a failure) gets the gateway's first refund back instead of
     * a second one. Called outside any transaction; must bound its time (connect at most 5 s, read at most 10 s) and
     * not retry by itself: the process retries. Answers SUCCEEDED with the gateway's refund reference, or PROCESSING
     * when the gateway settles it later (then {@link #checkRefund} must work); a refusal throws.
     */
    default RefundResult refund(Payment payment, String requestId, String reason) {
        throw new UnsupportedOperationException(id() + " cannot refund through its API");
    }

    /**
     * Follows up a refund {@link #refund} answered PROCESSING (its request id, and the reference that answer
     * carried): SUCCEEDED, still PROCESSING, or FAILED when the gateway gave it up (support then returns the money
     * by hand). Only channels that answer PROCESSING need it. Called outside any transaction, with bounded time.
     */
    default RefundResult checkRefund(Payment payment, String requestId, String reference) {
        throw new UnsupportedOperationException(id() + " cannot check a refund through its API");
    }
}
