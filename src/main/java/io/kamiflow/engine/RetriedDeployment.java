package io.kamiflow.engine;

import java.time.Duration;
import java.util.List;

import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.CompositeProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin;
import org.camunda.bpm.engine.spring.SpringProcessEngineConfiguration;
import org.camunda.bpm.spring.boot.starter.util.CamundaSpringBootUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The start-up deployment of bpmn/ and forms/, tried again when it loses a race with a running node's job executor.
 * A jar that changes any resource deploys every process anew (duplicate filtering without deploy-changed-only), and a
 * new version of a process with a timer start event deletes its old version's timer job. When a node still running
 * acquires or fires that job meanwhile ("Expire orders" fires every minute), the delete finds the job changed and the
 * whole deployment rolls back (OptimisticLockingException): the node did not start (drill f, a rolling upgrade, on
 * 2026-12-07). The deployment is one transaction and filtered for duplicates, so a later attempt deploys the same
 * resources or finds that another node deployed them meanwhile. The configuration is the starter's own
 * ({@link CamundaSpringBootUtil#initCustomFields}, the plugins), with this one method wrapped.
 */
@Configuration(proxyBeanMethods = false)
class RetriedDeployment {

    private static final Logger log = LoggerFactory.getLogger(RetriedDeployment.class);
    static final int ATTEMPTS = 5;
    static final Duration PAUSE = Duration.ofMillis(500);

    @Bean
    ProcessEngineConfigurationImpl processEngineConfigurationImpl(List<ProcessEnginePlugin> plugins) {
        SpringProcessEngineConfiguration configuration = CamundaSpringBootUtil.initCustomFields(new Retrying());
        configuration.getProcessEnginePlugins().add(new CompositeProcessEnginePlugin(plugins));
        return configuration;
    }

    /** Runs {@code deployment} up to {@code attempts} times while it fails on a concurrent change, pausing longer each time. */
    static void retried(Runnable deployment, int attempts, Duration pause) {
        for (int attempt = 1; ; attempt++) {
            try {
                deployment.run();
                return;
            } catch (OptimisticLockingException lost) {
                if (attempt >= attempts) {
                    throw lost;
                }
                log.warn("the deployment met a concurrent change (another node's job executor, attempt {} of {}): trying again; {}",
                        attempt, attempts, lost.getMessage());
                try {
                    Thread.sleep(pause.toMillis() * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw lost;
                }
            }
        }
    }

    static final class Retrying extends SpringProcessEngineConfiguration {

        @Override
        protected void autoDeployResources(ProcessEngine processEngine) {
            retried(() -> super.autoDeployResources(processEngine), ATTEMPTS, PAUSE);
        }
    }
}
