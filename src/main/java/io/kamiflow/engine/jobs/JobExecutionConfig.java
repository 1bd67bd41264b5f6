package io.kamiflow.engine.jobs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.sql.DataSource;

import io.kamiflow.ops.shutdown.ShutdownBudget;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.spring.boot.starter.configuration.impl.DefaultJobConfiguration;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.camunda.bpm.spring.boot.starter.property.JobExecutionProperty;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Camunda's job executor as a cluster member: a lock owner that names the node, and a thread pool that is stopped
 * by {@link JobExecutorShutdown} rather than by Spring's early executor shutdown.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "camunda.bpm.job-execution", name = "enabled", havingValue = "true", matchIfMissing = true)
class JobExecutionConfig {

    /**
     * The starter's pool, same sizes, with one change: Spring would shut a default ThreadPoolTaskExecutor down as soon
     * as the context starts closing, dropping the queued runnables (their jobs stay locked until the lock expires) and
     * interrupting running jobs. Waiting for tasks defers that to {@link JobExecutorShutdown}, which first stops
     * acquisition so the queued runnables unlock their jobs instead of running them.
     */
    @Bean(DefaultJobConfiguration.JobConfiguration.CAMUNDA_TASK_EXECUTOR_QUALIFIER)
    static ThreadPoolTaskExecutor camundaTaskExecutor(CamundaBpmProperties camunda) {
        JobExecutionProperty settings = camunda.getJobExecution();
        ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
        pool.setCorePoolSize(settings.getCorePoolSize());
        pool.setMaxPoolSize(settings.getMaxPoolSize());
        pool.setQueueCapacity(settings.getQueueCapacity());
        if (settings.getKeepAliveSeconds() != null) {
            pool.setKeepAliveSeconds(settings.getKeepAliveSeconds());
        }
        pool.setThreadNamePrefix("camundaTaskExecutor-");
        pool.setWaitForTasksToCompleteOnShutdown(true);
        pool.setAwaitTerminationSeconds(0); // JobExecutorShutdown waited within the shutdown budget; closing waits no more
        return pool;
    }

    /** Names the node in ACT_RU_JOB.LOCK_OWNER_ (host, pid, random), so ops see who holds a job. */
    @Bean
    static BeanPostProcessor jobExecutorLockOwner() {
        String owner = lockOwner();
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof JobExecutor executor) {
                    executor.setLockOwner(owner);
                }
                return bean;
            }
        };
    }

    @Bean
    JobExecutorShutdown jobExecutorShutdown(JobExecutor jobExecutor,
                                            @Qualifier(DefaultJobConfiguration.JobConfiguration.CAMUNDA_TASK_EXECUTOR_QUALIFIER)
                                            ThreadPoolTaskExecutor pool, DataSource dataSource,
                                            ShutdownBudget budget) {
        return new JobExecutorShutdown(jobExecutor, pool, dataSource, budget);
    }

    static String lockOwner() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown-host";
            }
        }
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String owner = host + "/" + ProcessHandle.current().pid() + "/" + HexFormat.of().formatHex(random);
        return owner.length() <= 255 ? owner : owner.substring(owner.length() - 255); // ACT_RU_JOB.LOCK_OWNER_ is varchar(255)
    }
}
