package io.kamiflow.payment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Asks gateways about unpaid orders whose callback may have been lost. A paid answer goes through
 * the same idempotent {@link PaymentRecorder} a callback takes, each order in its own transaction so
 * one failing gateway does not hold up the rest.
 */
@Service
public class PaymentCompensation {

    private static final Logger log = LoggerFactory.getLogger(PaymentCompensation.class);
    private static final int BATCH = 200;

    private final OrderRepository orders;
    private final PaymentChannels channels;
    private final PaymentRecorder recorder;
    private final TransactionTemplate ownTransaction;

    PaymentCompensation(OrderRepository orders, PaymentChannels channels, PaymentRecorder recorder,
                        PlatformTransactionManager transactions) {
        this.orders = orders;
        this.channels = channels;
        this.recorder = recorder;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** @return how many payments were found and recorded */
    public int run(Instant now, Duration minAge, Duration maxAge) {
        List<Order> candidates = orders.unpaidBetween(now.minus(maxAge), now.minus(minAge), BATCH);
        int recorded = 0;
        for (Order order : candidates) {
            Optional<PaymentChannel> channel = channels.byId(order.channel()).filter(PaymentChannel::supportsQuery);
            if (channel.isEmpty()) {
                continue;
            }
            try {
                Optional<PaymentNotice> paid = channel.get().query(order);
                if (paid.isPresent() && ownTransaction.execute(tx -> recorder.record(paid.get())) == PaymentRecorder.Outcome.RECORDED) {
                    recorded++;
                    log.info("compensation found payment of order {} at {}", order.orderNo(), order.channel());
                }
            } catch (RuntimeException e) {
                log.warn("compensation query for order {} at {} failed: {}", order.orderNo(), order.channel(), e.getMessage());
            }
        }
        return recorded;
    }
}
