package io.kamiflow.engine.jobs;

import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.kamiflow.ops.shutdown.ShutdownBudget;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * A node told to stop (SIGTERM, context close) hands its jobs over instead of sitting on them until their locks
 * expire: it stops acquiring, lets the jobs that are running finish, and unlocks the ones it acquired but did not
 * start, so another node takes them on its next acquisition.
 *
 * <p>Camunda's own {@code ExecuteJobsRunnable} unlocks its jobs when it finds the job executor inactive, so after
 * {@link JobExecutor#shutdown()} the pool is drained rather than cancelled. Batches the acquisition thread held back
 * (the pool's queue was full) are locked by this node but in no runnable: once the pool has terminated nothing of
 * this node runs any more, and every job still carrying its lock owner is unlocked in the database. Running jobs may finish
 * within the shutdown budget's drain time ({@link ShutdownBudget#drain()}); if a job is still running after that,
 * the locks are left to expire, as unlocking a running job could let a second node run it concurrently.
 *
 * <p>Stops in the first shutdown phase, on a thread of its own beside the key mail queue, before the web server's
 * graceful shutdown, so callbacks still accepted meanwhile start processes whose jobs another node picks up.
 */
public class JobExecutorShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobExecutorShutdown.class);

    private final JobExecutor jobExecutor;
    private final ThreadPoolTaskExecutor pool;
    private final JobLocks locks;
    private final ShutdownBudget budget;
    private volatile boolean running;

    JobExecutorShutdown(JobExecutor jobExecutor, ThreadPoolTaskExecutor pool, DataSource dataSource, ShutdownBudget budget) {
        this.jobExecutor = jobExecutor;
        this.pool = pool;
        this.locks = new JobLocks(dataSource);
        this.budget = budget;
    }

    @Override
    public void start() {
        running = true; // the Camunda starter starts the job executor itself
        log.info("job executor lock owner {}, lock time {} ms", jobExecutor.getLockOwner(), jobExecutor.getLockTimeInMillis());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE; // stopped first
    }

    /** Stops beside the key mail queue, on a thread of its own: the phase waits for both at once. */
    @Override
    public void stop(Runnable stopped) {
        Thread stopping = new Thread(() -> {
            try {
                stop();
            } finally {
                stopped.run();
            }
        }, "jobExecutor-stop");
        stopping.start();
    }

    @Override
    public void stop() {
        running = false;
        Duration grace = budget.drain();
        long started = System.nanoTime();
        String owner = jobExecutor.getLockOwner();
        jobExecutor.shutdown(); // waits for the acquisition thread; the runnables that start from now on unlock their jobs
        ThreadPoolExecutor executor = pool.getThreadPoolExecutor();
        int active = executor.getActiveCount();
        int queued = executor.getQueue().size();
        executor.shutdown();
        boolean drained;
        try {
            drained = executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            log.warn("job executor: jobs still running after {} ms; their locks (owner {}) expire by themselves",
                    grace.toMillis(), owner);
            return;
        }
        int unlocked = unlockLeftovers(owner);
        log.info("job executor stopped in {} ms: {} running and {} queued job batches at the stop, {} held-back jobs unlocked",
                (System.nanoTime() - started) / 1_000_000, active, queued, unlocked);
    }

    /** Jobs still locked by this node after its pool terminated: acquired, never handed to a thread. */
    int unlockLeftovers(String owner) {
        try {
            return locks.unlockAllHeldBy(owner);
        } catch (RuntimeException e) {
            log.warn("job executor: could not unlock the jobs held by {}; their locks expire by themselves: {}", owner, e.toString());
            return 0;
        }
    }
}
