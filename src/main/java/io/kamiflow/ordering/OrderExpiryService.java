package io.kamiflow.ordering;

import java.time.Instant;
import java.util.List;

import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.coupons.CouponRedemptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Unpaid orders past their time become EXPIRED, give their reserved keys and coupon uses back and, where the gateway can close
 * trades, are marked for "Close trade at gateway". A payment that arrives later is not lost: Verify payment
 * sends it to "Review payment".
 */
@Service
public class OrderExpiryService {

    private static final Logger log = LoggerFactory.getLogger(OrderExpiryService.class);
    private static final int BATCH = 500;

    private final OrderRepository orders;
    private final KeyClaimer claimer;
    private final AuditLog audit;
    private final PaymentOptions channels;
    private final CouponRedemptions coupons;

    OrderExpiryService(OrderRepository orders, KeyClaimer claimer, AuditLog audit, PaymentOptions channels,
                       CouponRedemptions coupons) {
        this.coupons = coupons;
        this.orders = orders;
        this.claimer = claimer;
        this.audit = audit;
        this.channels = channels;
    }

    /** @return how many orders expired */
    @Transactional
    public int expireCreatedBefore(Instant cutoff) {
        List<Order> stale = orders.lockUnpaidBefore(cutoff, BATCH);
        for (Order order : stale) {
            orders.transition(order.id(), OrderStatus.EXPIRED, OrderStatus.PENDING_PAYMENT);
            audit.record("order.expire", order.orderNo(), "unpaid since " + order.createdAt());
        }
        // the gateway may still take the buyer's money: its trade is closed after this commit, one job per order
        orders.requestTradeClose(stale.stream()
                .filter(order -> channels.closesTrades(order.channel()))
                .map(Order::id).toList());
        int released = claimer.release(stale.stream().map(Order::id).toList());
        coupons.release(stale.stream().map(Order::id).toList()); // their coupon uses go back with the keys
        if (!stale.isEmpty()) {
            log.info("expired {} unpaid orders, released {} reserved keys", stale.size(), released);
        }
        return stale.size();
    }
}
