package io.kamiflow.engine.jobs;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.Session;
import org.camunda.bpm.engine.impl.interceptor.SessionFactory;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.JobManager;

/**
 * Puts {@link ImmediateJobs} where Camunda tells the job executor about a new job: the job manager's hint, called
 * right after the job's insert in the creating command. Every other job gets Camunda's own hint.
 */
class ImmediateJobsPlugin extends AbstractProcessEnginePlugin {

    private final ImmediateJobs immediateJobs;

    ImmediateJobsPlugin(ImmediateJobs immediateJobs) {
        this.immediateJobs = immediateJobs;
    }

    @Override
    public void postInit(ProcessEngineConfigurationImpl configuration) {
        immediateJobs.attach(configuration);
        configuration.getSessionFactories().put(JobManager.class, new SessionFactory() {
            @Override
            public Class<?> getSessionType() {
                return JobManager.class;
            }

            @Override
            public Session openSession() {
                return new HintingJobManager(immediateJobs);
            }
        });
    }

    static final class HintingJobManager extends JobManager {

        private final ImmediateJobs immediateJobs;

        HintingJobManager(ImmediateJobs immediateJobs) {
            this.immediateJobs = immediateJobs;
        }

        /** Camunda's hint, or this node's own run right after the commit; both only for jobs in this executor's priority range. */
        @Override
        protected void hintJobExecutor(JobEntity job) {
            if (!isJobPriorityInJobExecutorPriorityRange(job.getPriority()) || !immediateJobs.takeAfterCommit(job)) {
                super.hintJobExecutor(job);
            }
        }
    }
}
