package io.kamiflow.ops.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * A {@link MultiGauge} by one tag whose rows keep their gauge from one refresh to the next: each tag value's number
 * sits in a holder its gauge reads, so a refresh sets numbers. Registering the rows with overwrite removed and
 * registered every row's gauge again on each refresh (three per product every five seconds), and a scrape could
 * land between a gauge's removal and its return. New tag values get a gauge, vanished ones lose theirs.
 */
final class GaugeRows {

    private static final class Holder {
        private volatile double value;

        double value() {
            return value;
        }
    }

    private final MultiGauge gauge;
    private final String tag;
    /** Touched only under {@link #set}'s lock; scrapes read the holders, not the map. */
    private final Map<String, Holder> holders = new HashMap<>();

    GaugeRows(MultiGauge gauge, String tag) {
        this.gauge = gauge;
        this.tag = tag;
    }

    /** The rows as they are now, by tag value. */
    synchronized void set(Map<String, ? extends Number> values) {
        holders.keySet().retainAll(values.keySet());
        List<MultiGauge.Row<?>> rows = new ArrayList<>(values.size());
        values.forEach((value, number) -> {
            Holder holder = holders.computeIfAbsent(value, v -> new Holder());
            holder.value = number.doubleValue();
            rows.add(MultiGauge.Row.of(Tags.of(tag, value), holder, Holder::value));
        });
        gauge.register(rows, false); // a row already registered keeps its gauge, which reads the same holder
    }
}
