package io.kamiflow.ops.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * The shop's event metrics, counted where the event happens and only once its transaction has committed.
 * Tags are a fixed, small set (channel, outcome, reason, event): never an order number, an email or a key.
 */
@Component
public class ShopMetrics {

    /** Order events of {@code kamiflow_orders_total}. */
    public enum OrderEvent { PAID, DELIVERED, PARKED, MANUAL, REFUNDED }

    private static final Duration SLO_MIN = Duration.ofMillis(100);
    private static final Duration SLO_MAX = Duration.ofHours(6);

    private final MeterRegistry registry;
    private final Timer keysVisible;
    private final Timer mailed;

    ShopMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.keysVisible = latency("kamiflow.order.keys.visible", "order paid to keys claimed (shown on the order page)");
        this.mailed = latency("kamiflow.order.mailed", "order paid to key mail accepted by SMTP");
        // Every fixed series exists from the start, so rate() and the "none accepted" alerts see a zero, not nothing.
        for (OrderEvent event : OrderEvent.values()) {
            orders(event);
        }
        for (String channel : CallbackMetricsFilter.CHANNELS) {
            for (String outcome : List.of("accepted", "duplicate", "ignored")) {
                callbacks(channel, outcome, "none");
            }
            for (String reason : CallbackMetricsFilter.REASONS) {
                callbacks(channel, "rejected", reason);
            }
        }
        List.of("sent", "transient_failure", "permanent_failure").forEach(this::mailAttempts);
        invariantChecks(true);
        invariantChecks(false);
    }

    /** A gateway callback was answered; outcome accepted|duplicate|ignored|rejected, reason none or a fixed rejection reason. */
    public void callback(String channel, String outcome, String reason) {
        callbacks(channel, outcome, reason).increment();
    }

    /**
     * This node's callbacks of one channel since it started, per outcome ("accepted", "duplicate", "ignored") and
     * rejection ("rejected: invalid", ...), in that order: counters live per node, so other nodes count their own.
     */
    public java.util.Map<String, Long> callbackCounts(String channel) {
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String outcome : List.of("accepted", "duplicate", "ignored")) {
            counts.put(outcome, Math.round(callbacks(channel, outcome, "none").count()));
        }
        for (String reason : new java.util.TreeSet<>(CallbackMetricsFilter.REASONS)) {
            counts.put("rejected: " + reason, Math.round(callbacks(channel, "rejected", reason).count()));
        }
        return counts;
    }

    public void order(OrderEvent event) {
        AfterCommit.run(() -> orders(event).increment());
    }

    /** One delivery mail attempt recorded: sent, transient_failure, permanent_failure. */
    public void mailAttempt(String outcome) {
        Counter counter = mailAttempts(outcome);
        AfterCommit.run(counter::increment);
    }

    /**
     * The keys of an order read after it became PAID were claimed: they are on the order page once this commits. Timed
     * from the order's paid time (the callback's transaction start, as the payment row's; a reviewed payment's: its
     * acceptance), read with the order, not queried again.
     */
    public void keysVisible(OffsetDateTime paid) {
        AfterCommit.run(() -> since(keysVisible, paid));
    }

    /** The key mail of an order read after it became PAID was accepted by SMTP. */
    public void mailed(OffsetDateTime paid) {
        AfterCommit.run(() -> since(mailed, paid));
    }

    /** A check job of "Reconcile orders" (or "every order") found {@code subjects} orders (or keys) breaking one invariant. */
    public void invariantViolated(String invariant, int subjects) {
        Counter.builder("kamiflow.invariant.violations").description("subjects breaking an invariant, per Reconcile orders check")
                .tag("invariant", invariant).register(registry).increment(subjects);
    }

    public void invariantsChecked(boolean held) {
        invariantChecks(held).increment();
    }

    private Counter invariantChecks(boolean held) {
        return Counter.builder("kamiflow.invariant.checks").description("Reconcile orders check jobs by outcome")
                .tag("outcome", held ? "held" : "violated").register(registry);
    }

    private Counter callbacks(String channel, String outcome, String reason) {
        return Counter.builder("kamiflow.callbacks").description("payment gateway callbacks by channel and outcome")
                .tags("channel", channel, "outcome", outcome, "reason", reason).register(registry);
    }

    private Counter mailAttempts(String outcome) {
        return Counter.builder("kamiflow.mail.attempts").description("key mail attempts by outcome")
                .tag("outcome", outcome).register(registry);
    }

    private Counter orders(OrderEvent event) {
        return Counter.builder("kamiflow.orders").description("order events: paid, delivered, parked, manual, refunded")
                .tag("event", event.name().toLowerCase(Locale.ROOT)).register(registry);
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(SLO_MIN).maximumExpectedValue(SLO_MAX).register(registry);
    }

    private static void since(Timer timer, OffsetDateTime start) {
        if (start != null) {
            Duration elapsed = Duration.between(start.toInstant(), Instant.now());
            timer.record(elapsed.isNegative() ? Duration.ZERO : elapsed); // clock skew between nodes and database
        }
    }
}
