package io.kamiflow.calls;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.kamiflow.ops.DaemonThreads;
import io.kamiflow.ops.logging.OrderLogContext;
import io.kamiflow.ops.shutdown.ShutdownBudget;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.externaltask.ExternalTaskQueryBuilder;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Works the external tasks of the activities that call over the network ({@link RemoteCall}: payment gateways, SMTP)
 * on this node's own threads, so no database transaction and no pooled connection is held while the other side
 * answers: fetch-and-lock commits, the call runs with no transaction open, and the outcome completes the task (or
 * records its failure) in a transaction of its own.
 * <ul>
 * <li>The lock ({@link #LOCK}) outlives any call (the channels bound theirs to 5 s connect and 10 s read, SMTP its
 * conversation likewise), so a node that dies mid-call leaves the task to any node once the lock passed, which calls
 * again under the same request id or Message-ID: the other side sees the same request twice, not two requests.</li>
 * <li>A failure is retried as the activity's extension properties say ({@code retries}, {@code retryDelay}, like a
 * job's retry cycle), then becomes an incident in Cockpit, where Retry increments the retries.</li>
 * <li>Tasks are fetched every second, and at once after a commit on this node that created one
 * ({@link CallSoonListener}), so a Send keys after a resend or a restock starts in milliseconds.</li>
 * <li>It works while this node's job executor does: paused with it (tests drive the tasks one by one), stopped with
 * it, and a node without job execution makes no call.</li>
 * </ul>
 */
@Component
public class RemoteCallWorker implements SmartLifecycle {

    /** How long a fetched task is this node's alone; longer than any call. */
    static final Duration LOCK = Duration.ofSeconds(60);
    private static final int DEFAULT_RETRIES = 5;
    private static final Duration DEFAULT_RETRY_DELAY = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(RemoteCallWorker.class);

    private final ExternalTaskService tasks;
    private final RuntimeService runtime;
    private final Map<String, RemoteCall> calls;
    private final ObjectProvider<JobExecutor> jobExecutor;
    private final RemoteCallSettings settings;
    private final ShutdownBudget shutdown;
    private final TransactionTemplate transactions;
    /** Tasks fetched and waiting for a thread: unlocked at a stop, so another node takes them at once. */
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pollAsked = new AtomicBoolean();
    private final ExecutorService poller = Executors.newSingleThreadExecutor(DaemonThreads.named("remoteCall-poll"));
    private volatile String workerId = "kamiflow-" + UUID.randomUUID();
    private volatile ThreadPoolExecutor pool; // null while stopped

    RemoteCallWorker(ExternalTaskService tasks, RuntimeService runtime, List<RemoteCall> calls,
                  ObjectProvider<JobExecutor> jobExecutor, RemoteCallSettings settings, ShutdownBudget shutdown,
                  PlatformTransactionManager transactionManager) {
        this.transactions = new TransactionTemplate(transactionManager);
        this.tasks = tasks;
        this.runtime = runtime;
        this.calls = calls.stream().collect(Collectors.toMap(RemoteCall::topic, Function.identity()));
        this.jobExecutor = jobExecutor;
        this.settings = settings;
        this.shutdown = shutdown;
    }

    /** While this node's job executor runs, the worker fetches what its free threads can take. */
    @Scheduled(initialDelayString = "${kamiflow.remote-calls.poll-interval:PT1S}",
            fixedDelayString = "${kamiflow.remote-calls.poll-interval:PT1S}")
    public void pollWhileJobsRun() {
        JobExecutor executor = jobExecutor.getIfAvailable();
        if (executor != null && executor.isActive()) {
            poll();
        }
    }

    /**
     * After the commit that created a task: fetches now on a thread of its own (many commits in a row ask once), so
     * the committing thread does not wait. Only while the job executor runs, as the periodic poll.
     */
    public void pollSoon() {
        JobExecutor executor = jobExecutor.getIfAvailable();
        if (pool == null || executor == null || !executor.isActive() || !pollAsked.compareAndSet(false, true)) {
            return;
        }
        poller.execute(() -> {
            pollAsked.set(false);
            try {
                poll();
            } catch (RuntimeException e) {
                log.info("polling for remote calls after a commit failed ({}); the periodic poll takes them", e.getMessage());
            }
        });
    }

    /** Fetches (and locks) as many tasks as this node has free threads for and runs them. @return how many */
    public int poll() {
        ThreadPoolExecutor threads = pool;
        if (threads == null) {
            return 0;
        }
        int free = threads.getMaximumPoolSize() - threads.getActiveCount() - threads.getQueue().size();
        if (free <= 0) {
            return 0;
        }
        ExternalTaskQueryBuilder fetch = tasks.fetchAndLock(free, workerId);
        for (String topic : calls.keySet()) {
            fetch = fetch.topic(topic, LOCK.toMillis()).includeExtensionProperties();
        }
        List<LockedExternalTask> fetched = fetch.execute();
        for (LockedExternalTask locked : fetched) {
            RemoteCall.CallTask task = new RemoteCall.CallTask(locked.getId(), locked.getTopicName(),
                    locked.getProcessInstanceId(), locked.getBusinessKey(), locked.getRetries(),
                    locked.getExtensionProperties(), locked.getVariables());
            waiting.add(task.id());
            threads.execute(() -> {
                waiting.remove(task.id());
                work(task, false);
            });
        }
        return fetched.size();
    }

    /**
     * Runs one task now on the caller's thread, due or not (process tests step through the refund with it, as they
     * execute jobs); a failure is recorded as the worker would and then thrown.
     */
    public void runNow(String externalTaskId) {
        tasks.unlock(externalTaskId);
        tasks.lock(externalTaskId, workerId, LOCK.toMillis());
        ExternalTask task = tasks.createExternalTaskQuery().externalTaskId(externalTaskId).singleResult();
        work(new RemoteCall.CallTask(task.getId(), task.getTopicName(), task.getProcessInstanceId(),
                task.getBusinessKey(), task.getRetries(), task.getExtensionProperties(),
                runtime.getVariables(task.getExecutionId())), true);
    }

    private void work(RemoteCall.CallTask task, boolean rethrow) {
        RemoteCall call = calls.get(task.topic());
        try (var logContext = OrderLogContext.of(orderNo(task))) {
            RemoteCall.Completion completion;
            try {
                completion = call.call(task);
            } catch (RuntimeException failed) {
                fail(task, failed);
                if (rethrow) {
                    throw failed;
                }
                return;
            }
            try {
                transactions.executeWithoutResult(tx -> {
                    Map<String, Object> variables = completion.inTransaction();
                    if (call.leavesLocalVariables()) {
                        tasks.complete(task.id(), workerId, null, variables);
                    } else {
                        tasks.complete(task.id(), workerId, variables);
                    }
                });
            } catch (ProcessEngineException gone) {
                // the instance moved on (deleted, interrupted) or the lock passed to another node, which calls again:
                // what the completion wrote is rolled back with it; a gateway's answer is on the payment row, which
                // every later step reads first
                log.info("{} task {} of order {} not completed here: {}", task.topic(), task.id(), orderNo(task),
                        gone.getMessage());
            }
        }
    }

    private void fail(RemoteCall.CallTask task, RuntimeException failed) {
        int retries = (task.retries() == null ? retriesOf(task) : task.retries()) - 1;
        RemoteCall call = calls.get(task.topic());
        Duration delay = call == null ? retryDelayOf(task)
                : call.retryDelay(task, Math.max(1, retriesOf(task) - retries), retryDelayOf(task));
        log.warn("{} for order {} failed ({} retries left, next in {}): {}", task.topic(), orderNo(task),
                Math.max(retries, 0), delay, failed.getMessage());
        try {
            tasks.handleFailure(task.id(), workerId, failed.getMessage(), describe(failed), Math.max(retries, 0),
                    delay.toMillis());
        } catch (ProcessEngineException gone) {
            log.info("{} task {} gone before its failure was recorded: {}", task.topic(), task.id(), gone.getMessage());
        }
    }

    private String orderNo(RemoteCall.CallTask task) {
        RemoteCall call = calls.get(task.topic());
        return call == null ? task.businessKey() : call.orderNo(task);
    }

    private static int retriesOf(RemoteCall.CallTask task) {
        String retries = task.extensionProperties() == null ? null : task.extensionProperties().get("retries");
        return retries == null ? DEFAULT_RETRIES : Integer.parseInt(retries);
    }

    private static Duration retryDelayOf(RemoteCall.CallTask task) {
        String delay = task.extensionProperties() == null ? null : task.extensionProperties().get("retryDelay");
        return delay == null ? DEFAULT_RETRY_DELAY : Duration.parse(delay);
    }

    /** What Cockpit shows as the failure's details: the causes' types and messages, no stack (nor anything secret). */
    private static String describe(Throwable failed) {
        StringBuilder details = new StringBuilder();
        for (Throwable cause = failed; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            details.append(cause.getClass().getName()).append(": ").append(cause.getMessage()).append('\n');
        }
        return details.toString();
    }

    @Override
    public void start() {
        JobExecutor executor = jobExecutor.getIfAvailable();
        if (executor != null) {
            workerId = executor.getLockOwner(); // Cockpit names the node that holds a task as it does for jobs
        }
        int threads = settings.getThreads();
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.numbered("remoteCall-"));
    }

    /**
     * Fetches no more; tasks still waiting for a thread are unlocked at once for any node, calls in progress get the
     * shutdown budget's drain time to finish (a call cut off is made again by another node after the lock, under the
     * same request id). Runs beside the key mail queue and the job executor, on a thread of its own.
     */
    @Override
    public void stop(Runnable callback) {
        ThreadPoolExecutor threads = pool;
        pool = null;
        if (threads == null) {
            callback.run();
            return;
        }
        threads.getQueue().clear();
        threads.shutdown();
        for (String id : Set.copyOf(waiting)) {
            try {
                tasks.unlock(id);
            } catch (ProcessEngineException e) {
                log.info("stopping: gateway task {} not unlocked ({}); it goes when its lock passes", id, e.getMessage());
            }
        }
        waiting.clear();
        Thread stopping = new Thread(() -> {
            try {
                if (!threads.awaitTermination(shutdown.drain().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("stopping: gateway calls still running after {}; any node repeats them after the lock",
                            shutdown.drain());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                callback.run();
            }
        }, "remoteCall-stop");
        stopping.setDaemon(true);
        stopping.start();
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return pool != null;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE; // with the job executor and the key mail queue
    }
}
