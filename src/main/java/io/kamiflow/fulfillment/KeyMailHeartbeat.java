package io.kamiflow.fulfillment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.kamiflow.ops.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of the key mails this node holds alive: those waiting for a sender and those in their SMTP
 * conversation, however long the relay takes. Every third of the lease one short statement per 1,000 rows renews them
 * (no transaction around it, no connection kept between beats, rows locked elsewhere skipped rather than waited for),
 * so the lease can be short: a live node keeps its mails however far behind it is, and a crashed node's mails pass to
 * another node within a lease and a sweep. A mail counts from its queueing until its attempt is recorded or it is
 * handed over. A beat that finds a row gone says so: the order was refunded meanwhile, or the row was taken over
 * because renewals failed for two thirds of a lease.
 *
 * <p>It also remembers when this node last failed to reach the database (a beat or a sweep): a sweep takes rows over
 * only after a whole lease of unbroken contact, so after an outage the owners of live leases renew them before any
 * sweep looks (the outage stopped their beats too).
 */
final class KeyMailHeartbeat {

    private static final Logger log = LoggerFactory.getLogger(KeyMailHeartbeat.class);

    private final KeyMailLeases leases;
    private final Supplier<Duration> lease;
    private static final int RENEW_CHUNK = 1_000;

    private final Set<Long> waiting = ConcurrentHashMap.newKeySet();
    private final Set<Long> sending = ConcurrentHashMap.newKeySet();
    private volatile long lastFailure = longAgo(); // started after Flyway and Camunda reached it
    private volatile ScheduledExecutorService timer;
    private volatile String owner;

    KeyMailHeartbeat(KeyMailLeases leases, Supplier<Duration> lease) {
        this.leases = leases;
        this.lease = lease;
    }

    void start(String owner) {
        this.owner = owner;
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("keyMailHeartbeat"));
        timer = started;
        next(started);
    }

    /** No more renewals: the leases of mails still in conversation run out by themselves. */
    void stop() {
        ScheduledExecutorService stopping = timer;
        if (stopping != null) {
            stopping.shutdownNow();
        }
    }

    /** Queued for this node's senders: renewed until sent or handed over. */
    void queued(long orderId) {
        waiting.add(orderId);
    }

    void sending(long orderId) {
        sending.add(orderId);
        waiting.remove(orderId);
    }

    /** Recorded or handed over: no more renewals. */
    void done(long orderId) {
        sending.remove(orderId);
        waiting.remove(orderId);
    }

    /** Stopping: the waiting mails are handed over, so they must not be renewed again. */
    void forgetWaiting() {
        waiting.clear();
    }

    /** This node could not reach the database just now. */
    void failed() {
        lastFailure = System.nanoTime();
    }

    void forgetFailures() {
        lastFailure = longAgo();
    }

    private static long longAgo() {
        return System.nanoTime() - Duration.ofDays(1).toNanos();
    }

    /** Whether every beat and sweep of the last {@code span} reached the database. */
    boolean inContactFor(Duration span) {
        return System.nanoTime() - lastFailure >= span.toNanos();
    }

    /** The rows this node is sending right now: their leases stay this node's. */
    Set<Long> inConversation() {
        return Set.copyOf(sending);
    }

    private void next(ScheduledExecutorService on) {
        try {
            on.schedule(() -> {
                beat();
                next(on);
            }, Math.max(1, lease.get().toMillis() / 3), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // stop() ended the beats
        }
    }

    void beat() {
        List<Long> inConversation = List.copyOf(sending);
        List<Long> orders = new ArrayList<>(inConversation);
        orders.addAll(waiting);
        if (orders.isEmpty()) {
            return;
        }
        try {
            int renewed = 0;
            for (int from = 0; from < orders.size(); from += RENEW_CHUNK) {
                renewed += leases.renewUnlocked(orders.subList(from, Math.min(orders.size(), from + RENEW_CHUNK)), owner);
            }
            if (renewed < orders.size()) {
                // a waiting mail whose sender finished between the copy and the statement also counts here, and a
                // row locked just now (its sender renewing it, or a sweep taking it) is left for the next beat
                log.info("{} of {} key mails this node holds were not renewed (sent meanwhile, locked just now, refunded, "
                        + "or taken over after renewals failed; a mail taken over goes again with the same Message-ID)",
                        orders.size() - renewed, orders.size());
            }
        } catch (RuntimeException e) {
            failed();
            log.warn("could not renew the leases of {} key mails ({}); trying again in a third of the lease",
                    orders.size(), e.getClass().getName());
        }
    }
}
