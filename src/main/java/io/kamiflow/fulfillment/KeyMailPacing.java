package io.kamiflow.fulfillment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.kamiflow.delivery.KeyDeliveryService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The paying callback answers its gateway once the key mail it queued is recorded, or after
 * {@code kamiflow.fulfillment.key-mail-wait} at most. A burst of callbacks is then paced by the mails it causes, as
 * a shop that mails inside the callback is, instead of piling mails up behind it: no mail waits seconds for a sender
 * while its lease is renewed over and over (docs/performance.md). The wait begins after the callback's transaction
 * has ended and holds no connection; a mail still in its SMTP conversation then goes on by itself, and its outcome
 * never changes the answer: the payment is recorded either way.
 * <p>
 * While SMTP is down or silent that wait would be the full key-mail-wait for every callback, and request threads
 * would pile up behind the dead relay. So, per node and in memory only: once
 * {@code kamiflow.fulfillment.key-mail-wait-skip-after} key mails of this node in a row failed transiently or
 * outlasted the wait (counting those still in their SMTP conversation past it), callbacks answer at once; the first
 * mail sent within the wait again makes them wait again. The mails themselves go the queue and retry path as always.
 */
@Component
class KeyMailPacing {

    /** Mails handed to the senders after the commits of this thread's recording; null when nobody waits for them. */
    private static final ThreadLocal<List<Future<?>>> HANDED = new ThreadLocal<>();
    private static final Logger log = LoggerFactory.getLogger(KeyMailPacing.class);

    private final FulfillmentSettings settings;
    /** Key mails of this node in their SMTP conversation: their order's id, and System.nanoTime() at its start. */
    private final ConcurrentMap<Long, Long> talking = new ConcurrentHashMap<>();
    /** Finished key mails in a row that failed transiently or outlasted the wait; a mail sent within the wait ends the row. */
    private int troubledInARow; // guarded by this
    /** When the conversation of the last mail sent within the wait began: conversations begun before are not counted. */
    private long lastGoodStart = System.nanoTime(); // guarded by this
    private final Counter skipped;
    /** Whether the last callback answered without waiting, for a log line when that changes. */
    private final AtomicBoolean skipping = new AtomicBoolean();

    KeyMailPacing(FulfillmentSettings settings, MeterRegistry registry) {
        this.settings = settings;
        Gauge.builder("kamiflow.key.mail.wait.skipping", this, pacing -> pacing.waits() ? 0 : 1)
                .description("1 while this node's paying callbacks answer without waiting for their key mail (key mails "
                        + "failing or slower than kamiflow.fulfillment.key-mail-wait), else 0")
                .register(registry);
        this.skipped = Counter.builder("kamiflow.key.mail.wait.skipped")
                .description("paying callbacks that answered without waiting for their key mail, as key mails failed "
                        + "or outlasted the wait")
                .register(registry);
    }

    /**
     * Runs the recording, then waits for the mails it handed over. Inside a caller's transaction (a compensation
     * job) its commit comes later, so there is nothing to wait for here.
     */
    <T> T paced(Supplier<T> recording) {
        Duration wait = settings.getKeyMailWait();
        if (wait.isZero() || wait.isNegative() || HANDED.get() != null
                || TransactionSynchronizationManager.isActualTransactionActive()) {
            return recording.get();
        }
        List<Future<?>> handed = new ArrayList<>(1);
        HANDED.set(handed);
        try {
            return recording.get();
        } finally {
            HANDED.remove();
            if (handed.isEmpty()) {
                // nothing to wait for (a repeated notice, a claim deferred)
            } else if (noted(waits())) {
                await(handed, wait);
            } else {
                skipped.increment();
            }
        }
    }

    /** The queue handed a mail to its senders after a commit of this thread (afterCommit runs on the committing thread). */
    static void handed(Future<?> mail) {
        List<Future<?>> handed = HANDED.get();
        if (handed != null) {
            handed.add(mail);
        }
    }

    /** A key mail's SMTP conversation begins; {@link #ended} follows in a finally block. @return its start */
    long talking(long orderId) {
        long start = System.nanoTime();
        talking.put(orderId, start);
        return start;
    }

    /**
     * A key mail's SMTP conversation ended, with {@code outcome}, or null when it ended otherwise (nothing said about
     * SMTP). A permanent failure (a mail that cannot be built, an address refused) says nothing about the relay either,
     * unless it took longer than the wait.
     */
    void ended(long orderId, long start, KeyDeliveryService.Outcome outcome) {
        talking.remove(orderId, start);
        long wait = settings.getKeyMailWait().toNanos();
        boolean slow = wait > 0 && System.nanoTime() - start > wait;
        synchronized (this) {
            if (slow || outcome == KeyDeliveryService.Outcome.TRANSIENT_FAILURE) {
                if (start - lastGoodStart > 0) { // one begun before the last good mail is from a trouble already over
                    troubledInARow++;
                }
            } else if (outcome == KeyDeliveryService.Outcome.SENT) {
                troubledInARow = 0;
                if (start - lastGoodStart > 0) {
                    lastGoodStart = start;
                }
            }
        }
    }

    /** Whether callbacks wait for their key mail now: fewer than key-mail-wait-skip-after troubled mails in a row. */
    boolean waits() {
        int skipAfter = settings.getKeyMailWaitSkipAfter();
        long wait = settings.getKeyMailWait().toNanos();
        if (skipAfter <= 0 || wait <= 0) {
            return true; // no skipping, or no wait to skip
        }
        long now = System.nanoTime();
        int troubled;
        long goodStart;
        synchronized (this) {
            troubled = troubledInARow;
            goodStart = lastGoodStart;
        }
        for (long start : talking.values()) {
            if (now - start > wait && start - goodStart > 0) { // outlasted the wait, and begun after the last good mail
                troubled++;
            }
        }
        return troubled < skipAfter;
    }

    /** Logs when callbacks stop or start waiting again (as the callbacks see it). @return {@code waits} */
    private boolean noted(boolean waits) {
        if (skipping.compareAndSet(waits, !waits)) {
            if (waits) {
                log.info("a key mail was sent within kamiflow.fulfillment.key-mail-wait: paying callbacks wait for their "
                        + "key mail again");
            } else {
                log.warn("key mails of this node fail or outlast kamiflow.fulfillment.key-mail-wait ({} in a row): paying "
                        + "callbacks answer without waiting for them until one is sent within the wait",
                        settings.getKeyMailWaitSkipAfter());
            }
        }
        return waits;
    }

    /** Forgets every mail seen so far: callbacks wait (tests, whose mail servers go down and come back). */
    synchronized void forget() {
        skipping.set(false);
        troubledInARow = 0;
        lastGoodStart = System.nanoTime();
    }

    private static void await(List<Future<?>> handed, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (Future<?> mail : handed) {
            try {
                mail.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException stillSending) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | CancellationException e) {
                // the send records its own failures (retry path, sweep); the gateway's answer stays "recorded"
            }
        }
    }
}
