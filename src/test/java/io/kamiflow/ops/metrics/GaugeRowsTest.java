package io.kamiflow.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A refresh sets the numbers of the gauges there are: it neither drops nor re-registers a row that stays. */
class GaugeRowsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GaugeRows rows = new GaugeRows(MultiGauge.builder("shop.stock").register(registry), "sku");

    @Test
    void aRowThatStaysKeepsItsGaugeAndShowsTheNewNumber() {
        rows.set(values("A", 1, "B", 2));
        Gauge a = gauge("A");
        assertThat(a.value()).isEqualTo(1);
        assertThat(gauge("B").value()).isEqualTo(2);

        rows.set(values("A", 5, "C", 3));

        assertThat(gauge("A")).as("the same gauge, not one registered again").isSameAs(a);
        assertThat(a.value()).isEqualTo(5);
        assertThat(registry.find("shop.stock").tag("sku", "B").gauge()).as("a product gone loses its gauge").isNull();
        assertThat(gauge("C").value()).isEqualTo(3);
        assertThat(registry.find("shop.stock").gauges()).hasSize(2);
    }

    @Test
    void aRowThatLeftAndCameBackReadsItsNewNumber() {
        rows.set(values("A", 1));
        rows.set(values());
        assertThat(registry.find("shop.stock").gauges()).isEmpty();

        rows.set(values("A", 7));

        assertThat(gauge("A").value()).isEqualTo(7);
    }

    private Gauge gauge(String sku) {
        Gauge gauge = registry.find("shop.stock").tag("sku", sku).gauge();
        assertThat(gauge).as("gauge of " + sku).isNotNull();
        return gauge;
    }

    private static Map<String, Long> values(Object... skuAndNumber) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (int i = 0; i < skuAndNumber.length; i += 2) {
            values.put((String) skuAndNumber[i], ((Number) skuAndNumber[i + 1]).longValue());
        }
        return values;
    }
}
