package io.kamiflow.engine.versions;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.kamiflow.ops.DaemonThreads;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link ProcessVersions} for this jar's BPMN files: registers once the engine has deployed (before the node is
 * ready), then every {@code kamiflow.engine.version-scan} (a deployment made by a newer or restarted node meanwhile).
 */
@Configuration(proxyBeanMethods = false)
class ProcessVersionsConfig {

    @Bean
    ProcessVersions processVersions(RepositoryService repository, ManagementService management, CamundaBpmProperties camunda) {
        return new ProcessVersions(repository, management, ProcessLevels.ofJar(camunda.getDeploymentResourcePattern()));
    }

    @Bean
    ProcessVersionScan processVersionScan(ProcessVersions versions,
                                          @Value("${kamiflow.engine.version-scan:PT1M}") Duration every) {
        return new ProcessVersionScan(versions, every);
    }

    static final class ProcessVersionScan implements SmartInitializingSingleton, DisposableBean {

        private static final Logger log = LoggerFactory.getLogger(ProcessVersionScan.class);

        private final ProcessVersions versions;
        private final Duration every;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("kamiflow-process-versions"));

        ProcessVersionScan(ProcessVersions versions, Duration every) {
            this.versions = versions;
            this.every = every;
        }

        @Override
        public void afterSingletonsInstantiated() {
            versions.register(); // the engine has deployed: a failure here fails the start, as a failed deployment does
            timer.scheduleWithFixedDelay(this::scan, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void scan() {
            try {
                versions.register();
            } catch (RuntimeException e) {
                log.warn("process versions: registering deployments failed, next try in {}: {}", every, e.toString());
            }
        }

        @Override
        public void destroy() {
            timer.shutdownNow();
        }
    }
}
