package io.kamiflow.ordering;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.kamiflow.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * Admission to placing orders: at most a few placements run at once on a node, the rest wait their turn (parked, no
 * CPU) for a bounded time. In a flash sale hundreds of buyers press Buy together; run all at once they share the cores
 * with every page view, which then queues behind them, and they contend for the same key rows. Only the placement
 * (the database work) is gated, never the gateway call: a hanging gateway must not hold up other channels' buyers.
 * A buyer who waited {@code kamiflow.ordering.checkout-max-wait} gets a 503 with Retry-After; nothing was placed.
 */
@Component
public class CheckoutGate {

    /** The {@code reason} of the problem a checkout gets when it waited too long for its turn. */
    public static final String BUSY = "checkout-busy";

    private final Semaphore permits;
    private final int size;
    private final Duration maxWait;
    private final Counter refused;

    CheckoutGate(OrderingProperties properties, MeterRegistry meters) {
        this.size = properties.checkoutConcurrency() > 0 ? properties.checkoutConcurrency()
                : 2 * Runtime.getRuntime().availableProcessors();
        this.permits = new Semaphore(size);
        this.maxWait = properties.checkoutMaxWait();
        this.refused = Counter.builder("kamiflow.checkout.gate.refused")
                .description("checkouts refused because they waited checkout-max-wait for a turn").register(meters);
        Gauge.builder("kamiflow.checkout.gate.waiting", permits, Semaphore::getQueueLength)
                .description("checkouts waiting for a turn to place their order").register(meters);
    }

    <T> T through(Supplier<T> placement) {
        boolean admitted;
        try {
            admitted = permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            refused.increment();
            ErrorResponseException busy = Problems.serviceUnavailable(
                    "too many checkouts at once; nothing was ordered, please try again", Duration.ofSeconds(1));
            busy.getBody().setProperty("reason", BUSY); // the buy form says so in the buyer's words
            throw busy;
        }
        try {
            return placement.get();
        } finally {
            permits.release();
        }
    }

    int size() {
        return size;
    }

    /** Checkouts waiting for their turn now. */
    int waiting() {
        return permits.getQueueLength();
    }
}
