package io.kamiflow.payment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.kamiflow.db.NoTransaction;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Asks gateways about unpaid orders whose callback may have been lost, and about orders that expired unpaid
 * recently (a late payment's callback may be lost too: Verify payment sends such a payment to Review payment).
 * The payment-compensation process checks each order in a gateway call of its own ({@link #check}, "Check payment at
 * gateway", an external task), with no transaction open while the gateway answers; a paid answer then goes through
 * the same idempotent {@link PaymentRecorder} a callback takes, in its own transaction, so the payment row and its
 * order-fulfillment instance commit together or not at all, and one failing order holds up no other.
 */
@Service
public class PaymentCompensation {

    private static final Logger log = LoggerFactory.getLogger(PaymentCompensation.class);
    private static final int BATCH = 200;

    private final OrderRepository orders;
    private final PaymentChannels channels;
    private final PaymentRecorder recorder;

    PaymentCompensation(OrderRepository orders, PaymentChannels channels, PaymentRecorder recorder) {
        this.orders = orders;
        this.channels = channels;
        this.recorder = recorder;
    }

    /**
     * Orders whose channel can be asked: unpaid ones between {@code minAge} and {@code maxAge} old, and ones that
     * expired unpaid (no payment at all) within {@code expiredWindow} after {@code maxAge}.
     */
    public List<String> ordersToCheck(Instant now, Duration minAge, Duration maxAge, Duration expiredWindow) {
        Instant oldestUnpaid = now.minus(maxAge);
        return Stream.concat(orders.unpaidBetween(oldestUnpaid, now.minus(minAge), BATCH).stream(),
                        orders.expiredUnpaidBetween(oldestUnpaid.minus(expiredWindow), now.minus(minAge), BATCH).stream())
                .filter(order -> channels.byId(order.channel()).filter(PaymentChannel::supportsQuery).isPresent())
                .map(Order::orderNo).distinct().toList();
    }

    /**
     * Asks the order's gateway with no transaction open, and records a payment it reports in a transaction of its own
     * (a repeated check finds it recorded). A gateway that cannot answer is logged and asked again next cycle.
     *
     * @return whether a new payment was recorded
     */
    public boolean check(String orderNo) {
        NoTransaction.require("asking the gateway about order " + orderNo);
        Optional<Order> order = orders.findByOrderNo(orderNo).filter(o -> o.status() == OrderStatus.PENDING_PAYMENT
                || o.status() == OrderStatus.EXPIRED && o.paymentId() == null);
        Optional<PaymentChannel> channel = order.flatMap(o -> channels.byId(o.channel())).filter(PaymentChannel::supportsQuery);
        if (channel.isEmpty()) {
            return false; // paid or its channel switched off since the list was made
        }
        Optional<PaymentNotice> paid;
        try {
            paid = channel.get().query(order.get());
        } catch (RuntimeException e) {
            log.warn("compensation query for order {} at {} failed: {}", orderNo, channel.get().id(), e.getMessage());
            return false;
        }
        if (paid.isEmpty() || recorder.record(paid.get()) != PaymentRecorder.Outcome.RECORDED) {
            return false;
        }
        log.info("compensation found payment of order {} at {}", orderNo, channel.get().id());
        return true;
    }
}
