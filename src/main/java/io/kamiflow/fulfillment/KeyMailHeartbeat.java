package io.kamiflow.fulfillment;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of the key mails this node is sending alive while their SMTP conversations run, however long the
 * relay takes: every third of the lease one short statement renews them all (no transaction around it, no connection
 * kept between beats), so no sweep hands a mail in conversation to a second sender. A mail counts from before its
 * reveal until its attempt is recorded. A beat that finds a row gone says so: the order was refunded meanwhile, or
 * the row was taken over because renewals failed for two thirds of a lease (database unreachable).
 */
final class KeyMailHeartbeat {

    private static final Logger log = LoggerFactory.getLogger(KeyMailHeartbeat.class);

    private final KeyMailLeases leases;
    private final Supplier<Duration> lease;
    private final Set<Long> sending = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService timer;
    private volatile String owner;

    KeyMailHeartbeat(KeyMailLeases leases, Supplier<Duration> lease) {
        this.leases = leases;
        this.lease = lease;
    }

    void start(String owner) {
        this.owner = owner;
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "keyMailHeartbeat");
            thread.setDaemon(true);
            return thread;
        });
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

    void sending(long orderId) {
        sending.add(orderId);
    }

    void done(long orderId) {
        sending.remove(orderId);
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
        List<Long> orders = List.copyOf(sending);
        if (orders.isEmpty()) {
            return;
        }
        try {
            int renewed = leases.renew(orders, owner);
            if (renewed < orders.size()) {
                log.warn("{} of {} key mails in conversation are no longer this node's (refunded, or taken over after "
                        + "renewals failed); a mail taken over goes again with the same Message-ID", orders.size() - renewed,
                        orders.size());
            }
        } catch (RuntimeException e) {
            log.warn("could not renew the leases of {} key mails in conversation ({}); trying again in a third of the lease",
                    orders.size(), e.getClass().getName());
        }
    }
}
