package io.kamiflow.fulfillment;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.kamiflow.delivery.KeyDeliveryService;
import io.kamiflow.inventory.KeyReveals;
import io.kamiflow.ops.DaemonThreads;
import io.kamiflow.ops.logging.OrderLogContext;
import io.kamiflow.ops.shutdown.ShutdownBudget;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Key mails of orders claimed in the paying callback, sent by the node that took the payment right after that
 * commit, without a Send keys task: the callback's instance ends at "Key mail queued", so Camunda writes no runtime
 * rows for a happy order (docs/performance.md). A row in {@code key_mail_queue}, committed with the claim, keeps
 * the promise until the mail is recorded:
 * <ul>
 * <li>Leases are on the database's clock ({@link KeyMailLeases}), so nodes whose clocks disagree agree on them.</li>
 * <li>Sending: one transaction locks the row (renewing its lease only when a third of it is spent), reads the order
 * and its keys and reveals them (committed before the
 * send, as Send keys does); the mail goes out, its lease renewed every third of the lease while the SMTP
 * conversation runs ({@link KeyMailHeartbeat}); the attempt is recorded in the transaction that deletes the row. A
 * failed mail starts an order-fulfillment instance at "Keys delivered?", which retries, hands over to support or
 * records the page delivery exactly as after a failed Send keys.</li>
 * <li>Its node renews the lease of every row it holds, waiting or in conversation ({@link KeyMailHeartbeat}). A row
 * whose lease has passed (its node crashed, or stopped mid-conversation) is handed by any node's sweep to a new
 * instance at Send keys, with its retries and incidents. The old owner finds the row gone and sends
 * nothing; had it already sent, the new attempt repeats the same Message-ID.</li>
 * <li>Threads: each send holds at most one database connection at a time and none while talking to SMTP.</li>
 * </ul>
 */
@Component("keyMailQueue")
public class KeyMailQueue implements SmartLifecycle {

    static final String SEND_KEYS = "SendKeys";
    static final String KEYS_DELIVERED = "KeysDelivered";
    private static final int SWEEP_BATCH = 100;
    private static final int MAX_WAITING = 10_000;

    private static final Logger log = LoggerFactory.getLogger(KeyMailQueue.class);

    private final KeyDeliveryService delivery;
    private final KeyReveals reveals;
    private final FulfillmentStarter starter;
    private final DeliveryOutcomes outcomes;
    private final FulfillmentSettings settings;
    private final OrderRepository orders;
    private final TransactionTemplate transactions;
    private final ObjectProvider<JobExecutor> jobExecutor;
    private final KeyMailLeases leases;
    private final KeyMailHeartbeat heartbeat;
    private final ShutdownBudget shutdown;
    private final KeyMailPacing pacing;
    private volatile String owner;
    private volatile ThreadPoolExecutor pool; // null while stopped

    KeyMailQueue(JdbcClient jdbc, KeyDeliveryService delivery, KeyReveals reveals, FulfillmentStarter starter,
                 DeliveryOutcomes outcomes, FulfillmentSettings settings, OrderRepository orders,
                 PlatformTransactionManager transactionManager, ObjectProvider<JobExecutor> jobExecutor,
                 ShutdownBudget shutdown, KeyMailPacing pacing, io.kamiflow.db.SqlDialect dialect) {
        this.delivery = delivery;
        this.reveals = reveals;
        this.starter = starter;
        this.outcomes = outcomes;
        this.settings = settings;
        this.orders = orders;
        this.transactions = new TransactionTemplate(transactionManager);
        this.jobExecutor = jobExecutor;
        this.shutdown = shutdown;
        this.pacing = pacing;
        this.leases = new KeyMailLeases(jdbc, settings::getKeyMailLease, dialect);
        this.heartbeat = new KeyMailHeartbeat(leases, settings::getKeyMailLease);
    }

    /** The "Key mail queued?" gateway: only the paying callback's own claim, and only while this node sends. */
    public boolean takes(DelegateExecution execution) {
        return pool != null && settings.isMailAfterCommit()
                && Boolean.TRUE.equals(execution.getVariable(FulfillmentStarter.CLAIMED_IN_CALLBACK));
    }

    /** Queue key mail: the row commits with the claim, and the mail is handed to this node's senders after that. */
    @Transactional(propagation = Propagation.MANDATORY)
    void queue(Order order) {
        leases.insert(order.id(), owner);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                submit(order.id(), order.orderNo());
            }
        });
    }

    /**
     * A refund was requested: the order's queued key mail, if any, is dropped in the same transaction. A sender that
     * has not revealed yet then finds its lease gone and sends nothing (the row lock orders the two), and no sweep
     * turns the mail into a Send keys task. @return whether a queued mail was dropped
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean cancel(Order order) {
        return leases.drop(order.id());
    }

    private void submit(long orderId, String orderNo) {
        ThreadPoolExecutor senders = pool;
        try {
            if (senders != null) {
                heartbeat.queued(orderId); // before the sender can finish with it
                KeyMailPacing.handed(senders.submit(() -> send(orderId, orderNo)));
                return;
            }
        } catch (RejectedExecutionException full) {
            // falls through
        }
        heartbeat.done(orderId);
        // Not handed over here: after the callback's commit this thread still holds its connection, and a transaction
        // of its own would take a second one from the pool (docs/architecture.md). Unrenewed, the lease passes within
        // kamiflow.fulfillment.key-mail-lease and the sweep makes the mail a Send keys task.
        log.warn("order {}: key mail not taken by this node's senders (stopping, or {} waiting); a Send keys task "
                + "takes it when its lease passes", orderNo, MAX_WAITING);
    }

    /** One attempt; whatever goes wrong before it is recorded leaves the row to the sweep, at once. */
    void send(long orderId, String orderNo) {
        try (var logContext = OrderLogContext.of(orderNo)) {
            if (pool == null) {
                heartbeat.done(orderId);
                return; // stopping: stop() hands the row over
            }
            heartbeat.sending(orderId); // from here until recorded, stop() leaves this row alone and its lease is renewed
            try {
                // one transaction holds the row (two thirds of a lease left at least), reads and reveals, and commits
                // before the send; one records
                Revealed revealed = transactions.execute(tx -> {
                    long held = System.nanoTime();
                    holdLease(orderId);
                    KeyDeliveryService.Prepared prepared = delivery.prepare(orderId);
                    Order order = prepared.order();
                    Revealed read = new Revealed(prepared, prepared.ready()
                            && reveals.reveal(order.id(), order.quantity(), KeyReveals.Channel.MAIL));
                    // the conversation needs enough lease left for the next beat: a slow read and reveal (cold
                    // templates, a locked key), with the row locked so no beat could renew it, tops it up first
                    if (System.nanoTime() - held > settings.getKeyMailLease().toNanos() / 6) {
                        leases.topUp(orderId, owner);
                    }
                    return read;
                });
                KeyDeliveryService.Attempt attempt;
                long talking = pacing.talking(orderId); // callbacks stop waiting while mails fail or outlast the wait
                KeyDeliveryService.Outcome outcome = null;
                try {
                    attempt = delivery.send(revealed.prepared(), revealed::keysRevealed);
                    outcome = attempt.outcome();
                } finally {
                    pacing.ended(orderId, talking, outcome);
                }
                transactions.executeWithoutResult(tx -> record(revealed.prepared(), attempt, tx));
            } catch (LeaseLost lost) {
                log.info("order {}: queued key mail was taken over by a Send keys task (lease passed); not sending it here",
                        orderNo);
            } catch (RuntimeException e) {
                heartbeat.done(orderId); // no renewal after the hand-over below
                log.warn("order {}: queued key mail not delivered here ({}); handing it to a Send keys task", orderNo,
                        e.getClass().getName());
                handOver(orderId);
            } finally {
                heartbeat.done(orderId);
            }
        }
    }

    private void record(KeyDeliveryService.Prepared prepared, KeyDeliveryService.Attempt attempt, TransactionStatus tx) {
        Order order = prepared.order();
        if (!leases.release(order.id(), owner)) { // taken over after the lease passed (this node's beats starved)
            if (attempt.outcome() == KeyDeliveryService.Outcome.SENT) {
                // the truth, recorded all the same: the Send keys task that took the mail over finds it and sends
                // nothing, unless it reached the relay first (then the buyer gets the same Message-ID twice)
                delivery.record(prepared, attempt);
                log.warn("order {}: key mail sent after its lease had passed and a Send keys task took it over; "
                        + "recorded, so that task mails it again only if it reached the relay first", order.orderNo());
                return;
            }
            log.warn("order {}: key mail attempt {} ended ({}) after its lease had passed and a Send keys task took it "
                    + "over; that task sends the same message again", order.orderNo(), attempt.attemptNo(), attempt.outcome());
            tx.setRollbackOnly();
            return;
        }
        delivery.record(prepared, attempt);
        if (attempt.outcome() != KeyDeliveryService.Outcome.SENT) {
            starter.startAt(order, KEYS_DELIVERED, outcomes.after(order.id(), attempt, null));
        }
    }

    private record Revealed(KeyDeliveryService.Prepared prepared, boolean keysRevealed) {
    }

    /** In the reveal's transaction: the row is still this node's, and stays so for the send. */
    private void holdLease(long orderId) {
        if (!leases.hold(orderId, owner)) {
            throw new LeaseLost();
        }
    }

    private void handOver(long orderId) {
        try {
            leases.end(orderId, owner);
        } catch (RuntimeException e) {
            log.warn("could not hand a key mail over ({}); it goes when its lease passes", e.getClass().getName());
        }
    }

    /**
     * Any node: rows whose lease has passed become Send keys tasks of new order-fulfillment instances (skipping rows
     * another node is sweeping or renewing). An order no longer PAID (refunded meanwhile) only loses its row.
     */
    @Scheduled(initialDelayString = "${kamiflow.fulfillment.key-mail-sweep-interval:PT1S}",
            fixedDelayString = "${kamiflow.fulfillment.key-mail-sweep-interval:PT1S}")
    public int sweep() {
        if (!heartbeat.inContactFor(settings.getKeyMailLease())) {
            return 0; // just back from an outage that stopped the owners' beats too: they renew first
        }
        int total = 0;
        int handed;
        try {
            do {
                handed = transactions.execute(tx -> sweepBatch());
                total += handed;
            } while (handed == SWEEP_BATCH);
        } catch (RuntimeException e) {
            heartbeat.failed();
            throw e;
        }
        return total;
    }

    private int sweepBatch() {
        List<Long> due = leases.passed(SWEEP_BATCH);
        for (long orderId : due) {
            Order order = orders.getById(orderId);
            if (order.status() == OrderStatus.PAID) {
                starter.startAt(order, SEND_KEYS, Map.of(ProcessVariables.MAIL_TAKEN_OVER, true));
                log.info("order {}: queued key mail handed to a Send keys task", order.orderNo());
            } else {
                log.info("order {}: queued key mail dropped, the order is {}", order.orderNo(), order.status());
            }
            leases.drop(orderId);
        }
        return due.size();
    }

    @Override
    public void start() {
        JobExecutor executor = jobExecutor.getIfAvailable();
        owner = executor != null ? executor.getLockOwner() : UUID.randomUUID().toString();
        int threads = settings.getKeyMailThreads();
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_WAITING),
                DaemonThreads.numbered("keyMail-"));
        heartbeat.start(owner);
    }

    /** Stops beside the job executor (its own thread), within the shutdown budget's share for work in progress. */
    @Override
    public void stop(Runnable stopped) {
        Thread stopping = new Thread(() -> {
            try {
                stop();
            } finally {
                stopped.run();
            }
        }, "keyMailQueue-stop");
        stopping.start();
    }

    /**
     * Sends in progress finish within the shutdown budget's drain time; waiting ones are handed over at once (their
     * rows' leases end now); a send still in its SMTP conversation after that keeps its lease, which runs out.
     */
    @Override
    public void stop() {
        ThreadPoolExecutor senders = pool;
        pool = null;
        if (senders == null) {
            return;
        }
        senders.shutdown();
        try {
            if (!senders.awaitTermination(shutdown.drain().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("key mails still in their SMTP conversation after {} ms; their leases run out by themselves",
                        shutdown.drain().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeat.forgetWaiting();
        try {
            // a mail still in conversation keeps its lease: handed over now, a second sender could mail it again
            int handed = leases.endAllBut(owner, heartbeat.inConversation());
            if (handed > 0) {
                log.info("stopping: {} queued key mails handed to any node's sweep", handed);
            }
        } catch (RuntimeException e) {
            log.warn("stopping: could not hand queued key mails over ({}); they go when their leases pass",
                    e.getClass().getName());
        }
        heartbeat.stop(); // mails still in conversation: their leases run out by themselves
    }

    /** The heartbeat's beat, now (tests). */
    void renewLeases() {
        heartbeat.beat();
    }

    /** As when a beat or a sweep could not reach the database (tests). */
    void databaseUnreachable() {
        heartbeat.failed();
    }

    /** As if the last failure to reach the database were long past (tests that played one clean up with it). */
    void inContactForLong() {
        heartbeat.forgetFailures();
    }

    /** This node's sending threads (tests hold them busy to play a node that falls behind or dies). */
    ThreadPoolExecutor senders() {
        return pool;
    }

    @Override
    public boolean isRunning() {
        return pool != null;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE; // beside the job executor: callbacks after this take the Send keys task path
    }

    /** The row was swept meanwhile: another node's Send keys task owns this mail now. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super("key mail lease lost", null, false, false);
        }
    }
}
