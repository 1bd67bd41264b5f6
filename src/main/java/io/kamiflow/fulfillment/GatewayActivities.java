package io.kamiflow.fulfillment;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.kamiflow.ops.logging.OrderLogContext;
import io.kamiflow.ops.shutdown.ShutdownBudget;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.externaltask.ExternalTaskQueryBuilder;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Makes the periodic processes' gateway calls ({@link GatewayActivity}: Close trade at gateway, Check payment at
 * gateway) outside every transaction. Each call is a Camunda external task, the engine's own "record the intent,
 * commit, call, record the result": a poll takes as many due tasks as it has idle threads (fetch-and-lock, one short
 * transaction), a thread makes the call with no connection held, and completes the task (or records the failure,
 * retried after a delay, an incident after the last attempt, as a job's would be) in another short transaction.
 * Locks expire, so the tasks of a node that died are made by another once {@code lock-time} has passed; every call
 * is idempotent at its gateway (the order no is the gateway's out_trade_no, Stripe's session id its own).
 */
@Component
public class GatewayActivities implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GatewayActivities.class);

    private final ExternalTaskService tasks;
    private final Map<String, GatewayActivity> byTopic;
    private final GatewayCallSettings settings;
    private final ShutdownBudget shutdown;
    private final String workerId = workerId();
    private final Semaphore idle;
    private volatile ExecutorService calls; // null while stopped
    private volatile ScheduledExecutorService poller;
    private volatile boolean paused;

    GatewayActivities(ExternalTaskService tasks, List<GatewayActivity> activities, GatewayCallSettings settings,
                      ShutdownBudget shutdown) {
        this.tasks = tasks;
        this.shutdown = shutdown;
        this.byTopic = activities.stream().collect(Collectors.toMap(GatewayActivity::topic, Function.identity()));
        this.settings = settings;
        this.idle = new Semaphore(settings.threads());
    }

    @Override
    public synchronized void start() {
        calls = Executors.newFixedThreadPool(settings.threads(), named("gateway-call-"));
        poller = Executors.newSingleThreadScheduledExecutor(named("gateway-calls-poll"));
        long interval = settings.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::pollQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops taking calls at once and lets the running ones finish within the shutdown budget's drain time, beside the
     * key mail queue and the job executor (a call is bounded by the gateway timeouts); a call still running after that
     * is interrupted and made again by any node once its lock time has passed.
     */
    @Override
    public void stop(Runnable callback) {
        ExecutorService running;
        synchronized (this) {
            poller.shutdownNow();
            running = calls;
            calls = null;
            running.shutdown();
        }
        Thread waiting = new Thread(() -> {
            try {
                if (!running.awaitTermination(shutdown.drain().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("gateway calls still running after {}: interrupted; another node makes them again after {}",
                            shutdown.drain(), settings.lockTime());
                    running.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                callback.run();
            }
        }, "gateway-calls-stop");
        waiting.start();
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return calls != null;
    }

    /** Tests drive the calls themselves ({@link #runDue}) while the poller leaves them alone. */
    public synchronized void pause() {
        paused = true;
    }

    public synchronized void resume() {
        paused = false;
    }

    /** Makes every call that is due now and waits until they have ended (process tests drive the calls so). */
    public void runDue() throws InterruptedException {
        while (true) {
            int started;
            synchronized (this) {
                started = take();
            }
            if (started == 0 && idle.availablePermits() == settings.threads()) {
                return;
            }
            Thread.sleep(started == 0 ? 20 : 0);
        }
    }

    private void pollQuietly() {
        try {
            synchronized (this) {
                if (!paused) {
                    take();
                }
            }
        } catch (RuntimeException e) { // the database is away: the next poll tries again
            log.warn("taking gateway calls failed: {}", e.toString());
        }
    }

    /** Locks as many due calls as there are idle threads, in one short transaction, and starts them. */
    private int take() {
        ExecutorService pool = calls;
        int free = idle.availablePermits();
        if (pool == null || free == 0) {
            return 0;
        }
        ExternalTaskQueryBuilder fetch = tasks.fetchAndLock(free, workerId);
        for (String topic : byTopic.keySet()) {
            fetch = fetch.topic(topic, settings.lockTime().toMillis()).variables(ProcessVariables.ORDER_NO);
        }
        List<LockedExternalTask> locked = fetch.execute();
        for (LockedExternalTask task : locked) {
            idle.acquireUninterruptibly(); // never waits: at most `free` were taken, and only here under the monitor
            pool.execute(() -> {
                try {
                    call(task);
                } finally {
                    idle.release();
                }
            });
        }
        return locked.size();
    }

    private void call(LockedExternalTask task) {
        String orderNo = (String) task.getVariables().get(ProcessVariables.ORDER_NO);
        try (OrderLogContext context = OrderLogContext.of(orderNo)) {
            Map<String, Object> left;
            try {
                left = byTopic.get(task.getTopicName()).call(orderNo);
            } catch (RuntimeException failed) {
                fail(task, orderNo, failed);
                return;
            }
            tasks.complete(task.getId(), workerId, null, left);
        } catch (RuntimeException unrecorded) {
            // the lock passed to another node, the instance was deleted or the database is away: once the lock has
            // expired the call is made again (idempotent at the gateway)
            log.warn("{} of order {}: could not record the outcome ({})", task.getActivityId(), orderNo,
                    unrecorded.toString());
        }
    }

    private void fail(LockedExternalTask task, String orderNo, RuntimeException failed) {
        int retriesLeft = (task.getRetries() == null ? settings.retries() : task.getRetries()) - 1;
        log.warn("{} of order {} failed ({} attempts left): {}", task.getActivityId(), orderNo, retriesLeft,
                failed.getMessage());
        StringWriter trace = new StringWriter();
        failed.printStackTrace(new PrintWriter(trace));
        tasks.handleFailure(task.getId(), workerId, String.valueOf(failed.getMessage()), trace.toString(),
                Math.max(0, retriesLeft), settings.retryDelay().toMillis());
    }

    /** Names the node in ACT_RU_EXT_TASK.WORKER_ID_, so ops see who holds a call. */
    private static String workerId() {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String id = ManagementFactory.getRuntimeMXBean().getName() + "/" + HexFormat.of().formatHex(random);
        return id.length() <= 255 ? id : id.substring(id.length() - 255);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
