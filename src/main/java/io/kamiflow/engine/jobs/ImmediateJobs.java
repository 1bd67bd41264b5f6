package io.kamiflow.engine.jobs;

import java.util.Date;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.ProcessEngineLogger;
import org.camunda.bpm.engine.impl.cmd.ExecuteJobsCmd;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.impl.interceptor.ProcessDataContext;
import org.camunda.bpm.engine.impl.jobexecutor.ExecuteJobHelper;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutorContext;
import org.camunda.bpm.engine.impl.jobexecutor.JobFailureCollector;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.MessageEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Runs chosen async jobs (Send keys) on this node right after the commit that created them, instead of leaving them
 * for the acquisition thread to find, lock (an UPDATE and a commit of its own) and hand over: one query, one update
 * and one commit fewer per order, and the job starts in milliseconds.
 *
 * <p>Only jobs created outside the job executor (a request thread: an admin resend, a callback on a stopping node; the
 * key mail queue's sweep) whose activity is listed qualify; the paying callback's own key mail needs no job at all
 * ({@code KeyMailQueue}). Such a job is inserted already locked by this node, as Camunda inserts the exclusive
 * follow-up job it will run itself, so no other node takes it; after the commit it waits in this node's memory for a
 * thread of Camunda's job pool, which runs it as Camunda's job executor does (same command, retries, incidents,
 * failure handling). The same pool
 * and thread count as every other job: a Send keys job holds one connection and takes a second for the reveal, so more
 * job threads than connections could starve each other. A pool thread takes waiting jobs whenever it has nothing of
 * the acquisition's queued.
 *
 * <p>The lock is the safety net: if this node dies before running the job, the lock expires and any node's
 * acquisition runs it as before. A job that cannot start within half its lock time (more waiting than the threads
 * clear, or a full wait list) is unlocked and handed to the acquisition instead, so it never runs here after its lock
 * could have expired. A node that stops unlocks what still waits ({@link JobExecutorShutdown}).
 */
public class ImmediateJobs {

    private static final Logger log = LoggerFactory.getLogger(ImmediateJobs.class);

    private record Waiting(String jobId, long lockExpiry) {
    }

    private final Set<String> activityIds;
    private final int capacity;
    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final JobLocks locks;
    private final Counter ran;
    private final Counter handedOver;
    private volatile ProcessEngineConfigurationImpl engine;
    private volatile ThreadPoolTaskExecutor pool;

    ImmediateJobs(Set<String> activityIds, int capacity, DataSource dataSource, MeterRegistry meters) {
        this.activityIds = Set.copyOf(activityIds);
        this.capacity = capacity;
        this.locks = new JobLocks(dataSource);
        String description = "jobs this node took right after the commit that created them: run here, or handed to "
                + "the job acquisition when they could not start within half their lock time";
        this.ran = Counter.builder("kamiflow.jobs.immediate").tag("outcome", "run").description(description).register(meters);
        this.handedOver = Counter.builder("kamiflow.jobs.immediate").tag("outcome", "handed_over").description(description)
                .register(meters);
        Gauge.builder("kamiflow.jobs.immediate.waiting", waitingCount, AtomicInteger::get)
                .description("jobs taken right after their commit that wait for a job thread").register(meters);
    }

    void attach(ProcessEngineConfigurationImpl configuration) {
        this.engine = configuration;
    }

    /** Camunda's job pool, whose threads also run the waiting jobs ({@link #thenRunWaiting}). */
    void runOn(ThreadPoolTaskExecutor jobPool) {
        this.pool = jobPool;
    }

    /** The job pool's task decorator: after each task, the thread runs waiting jobs while the pool has nothing queued. */
    Runnable thenRunWaiting(Runnable task) {
        return () -> {
            try {
                task.run();
            } finally {
                runWaiting();
            }
        };
    }

    /**
     * Called for a job just inserted in the current command: when it qualifies, locks it for this node and queues it
     * for after the commit. @return false when Camunda's own hint should handle it.
     */
    boolean takeAfterCommit(JobEntity job) {
        JobExecutor jobExecutor = Context.getProcessEngineConfiguration().getJobExecutor();
        if (pool == null || !(job instanceof MessageEntity) || !activityIds.contains(job.getActivityId())
                || job.isSuspended() || Context.getJobExecutorContext() != null || !jobExecutor.isActive()) {
            return false;
        }
        long lockExpiry = ClockUtil.getCurrentTime().getTime() + jobExecutor.getLockTimeInMillis();
        job.setLockOwner(jobExecutor.getLockOwner());
        job.setLockExpirationTime(new Date(lockExpiry));
        String jobId = job.getId();
        Context.getCommandContext().getTransactionContext()
                .addTransactionListener(TransactionState.COMMITTED, committed -> queue(jobId, lockExpiry));
        return true;
    }

    private void queue(String jobId, long lockExpiry) {
        if (!engine.getJobExecutor().isActive()) {
            handOver(jobId, "the job executor stopped");
            return;
        }
        if (waitingCount.incrementAndGet() > capacity) {
            waitingCount.decrementAndGet();
            handOver(jobId, capacity + " jobs wait already");
            return;
        }
        waiting.add(new Waiting(jobId, lockExpiry));
        try {
            pool.execute(this::runWaiting);
        } catch (RejectedExecutionException e) {
            // every thread busy and the pool's queue full: each thread runs waiting jobs after its task
        }
    }

    private void runWaiting() {
        ThreadPoolExecutor threads = pool.getThreadPoolExecutor();
        while (threads.getQueue().isEmpty()) { // the acquisition's batches first
            Waiting next = waiting.poll();
            if (next == null) {
                return;
            }
            waitingCount.decrementAndGet();
            run(next.jobId(), next.lockExpiry());
        }
    }

    /** Package-private for tests: what a waiting job does when a thread takes it. */
    void run(String jobId, long lockExpiry) {
        JobExecutor jobExecutor = engine.getJobExecutor();
        if (!jobExecutor.isActive()) {
            handOver(jobId, "the job executor stopped");
        } else if (ClockUtil.getCurrentTime().getTime() > lockExpiry - jobExecutor.getLockTimeInMillis() / 2) {
            handOver(jobId, "waited more than half its lock time");
        } else {
            execute(jobId);
            ran.increment();
        }
    }

    /**
     * What Camunda's {@code ExecuteJobsRunnable} does with a batch of one, without its closing wake-up call to the
     * acquisition (which is for threads that came back from acquired jobs; here it cost an empty acquisition query
     * and commit per order): the job and any exclusive follow-up job of its instance, failures recorded by Camunda.
     */
    private void execute(String jobId) {
        JobExecutorContext context = new JobExecutorContext();
        List<String> jobs = context.getCurrentProcessorJobQueue();
        jobs.add(jobId);
        CommandExecutor commands = engine.getCommandExecutorTxRequired();
        Context.setJobExecutorContext(context);
        try {
            while (!jobs.isEmpty()) {
                String next = jobs.remove(0);
                JobFailureCollector failure = new JobFailureCollector(next);
                try {
                    ExecuteJobHelper.executeJob(next, commands, failure, new ExecuteJobsCmd(next, failure), engine);
                } catch (Throwable t) { // as Camunda's runnable: the failure is recorded on the job, the thread goes on
                    if (ProcessEngineLogger.shouldLogJobException(engine, failure.getJob())) {
                        ExecuteJobHelper.LOGGING_HANDLER.exceptionWhileExecutingJob(next, t);
                    }
                } finally {
                    new ProcessDataContext(engine).clearMdc();
                }
            }
        } finally {
            Context.removeJobExecutorContext();
        }
    }

    private void handOver(String jobId, String why) {
        JobExecutor jobExecutor = engine.getJobExecutor();
        try {
            locks.unlock(jobId, jobExecutor.getLockOwner());
            handedOver.increment();
            log.info("job {} handed to the job acquisition: {}", jobId, why);
        } catch (RuntimeException e) {
            log.warn("job {} could not be unlocked ({}); its lock expires by itself: {}", jobId, why, e.toString());
        }
        jobExecutor.jobWasAdded();
    }

    /** Jobs taken after their commit that no thread has started yet. */
    int waiting() {
        return waitingCount.get();
    }
}
