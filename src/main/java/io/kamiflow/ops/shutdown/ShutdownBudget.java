package io.kamiflow.ops.shutdown;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * How long a node may take to stop, from SIGTERM (the context starts closing) to a closed context:
 * {@code kamiflow.shutdown.budget}. Orchestrators wait this, plus {@code preStop}, plus 10 s for the JVM's exit,
 * before they kill (compose {@code stop_grace_period}, Kubernetes {@code terminationGracePeriodSeconds}). The stop's
 * three steps run one after the other, each within its share ({@link ShutdownPhases} holds Spring's phases to it):
 * <ol>
 * <li>{@link #work()}, 40 %: work in progress, key mails being sent and jobs running, stopped side by side. Each may
 * finish within {@link #drain()}; the rest of the share hands over what waits (queued mails unleased, jobs not
 * started unlocked). What is still running after that keeps its lease or lock, which runs out by itself.</li>
 * <li>{@link #requests()}, 40 %: requests in flight (the web server's graceful shutdown); then the server stops.</li>
 * <li>{@link #closing()}, what is left: the engine, the connection pool and the other beans close.</li>
 * </ol>
 */
@Component
@ConfigurationProperties("kamiflow.shutdown")
public class ShutdownBudget {

    /** SIGTERM to closed context. */
    private Duration budget = Duration.ofSeconds(45);

    public Duration getBudget() {
        return budget;
    }

    public void setBudget(Duration budget) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("kamiflow.shutdown.budget must be positive: " + budget);
        }
        this.budget = budget;
    }

    /** Work in progress: key mails being sent and running jobs, stopped side by side, handed over. */
    public Duration work() {
        return budget.multipliedBy(2).dividedBy(5);
    }

    /** How long a mail being sent or a running job may take to finish; the rest of {@link #work()} hands over. */
    public Duration drain() {
        return work().multipliedBy(4).dividedBy(5);
    }

    /** Requests in flight: the web server's graceful shutdown. */
    public Duration requests() {
        return budget.multipliedBy(2).dividedBy(5);
    }

    /** Closing the engine, the connection pool and the other beans. */
    public Duration closing() {
        return budget.minus(work()).minus(requests());
    }
}
