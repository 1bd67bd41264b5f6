package io.kamiflow.ops.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * How far this node's clock is from the database's, which every node shares. kamiflow's own leases (key mails) use
 * the database's clock; Camunda's job locks and timers are set and compared with each node's clock, so a node whose
 * clock runs ahead of another's by a good part of the lock time (60 s) runs jobs that node still holds. Measured on
 * every metrics refresh (one {@code SELECT CURRENT_TIMESTAMP}, the round trip halved): gauge
 * {@code kamiflow.clock.skew} (seconds, this node minus the database; per node), a warning in the log past
 * {@link #TOLERATED}, and the ClockSkew alert.
 */
@Component
class ClockSkew {

    static final Duration TOLERATED = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(ClockSkew.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AtomicReference<Duration> skew = new AtomicReference<>(Duration.ZERO);

    ClockSkew(JdbcClient jdbc, MeterRegistry registry, ObjectProvider<Clock> clock) {
        this.jdbc = jdbc;
        this.clock = clock.getIfAvailable(Clock::systemUTC); // tests give a node a clock that runs ahead
        Gauge.builder("kamiflow.clock.skew", skew, s -> s.get().toMillis() / 1000.0).baseUnit("seconds")
                .description("this node's clock minus the database's (Camunda's job locks compare node clocks)")
                .register(registry);
    }

    @Scheduled(initialDelay = 0, fixedDelayString = "${kamiflow.metrics.refresh-interval:PT5S}")
    void measure() {
        try {
            Instant before = clock.instant();
            Instant database = jdbc.sql("SELECT CURRENT_TIMESTAMP")
                    .query((rs, row) -> rs.getObject(1, OffsetDateTime.class)).single().toInstant();
            Instant after = clock.instant();
            Duration measured = Duration.between(database, before.plus(Duration.between(before, after).dividedBy(2)));
            Duration previous = skew.getAndSet(measured);
            if (tooFar(measured) && !tooFar(previous)) {
                log.warn("this node's clock is {} ms off the database's (more than {} s): Camunda's job locks compare node "
                        + "clocks; synchronize this host's time (NTP)", measured.toMillis(), TOLERATED.toSeconds());
            } else if (!tooFar(measured) && tooFar(previous)) {
                log.info("this node's clock is back within {} s of the database's", TOLERATED.toSeconds());
            }
        } catch (RuntimeException e) { // database down: the last value stays, readiness reports the database
            log.debug("could not read the database's clock: {}", e.toString());
        }
    }

    private static boolean tooFar(Duration skew) {
        return skew.abs().compareTo(TOLERATED) > 0;
    }
}
