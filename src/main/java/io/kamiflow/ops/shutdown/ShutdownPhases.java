package io.kamiflow.ops.shutdown;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.env.Environment;

/**
 * Spring's lifecycle processor, each shutdown phase's wait taken from the {@link ShutdownBudget} when the context
 * starts closing, in place of Spring Boot's single {@code spring.lifecycle.timeout-per-shutdown-phase} for every
 * phase (with key mails and jobs each waiting 25 s before it, the phases added up to 80 s against a 60 s grace
 * period). The default phase, where key mails and jobs stop side by side, waits at most the work share; the web
 * server's graceful shutdown the requests share; any other phase the closing share.
 */
@Configuration(proxyBeanMethods = false)
class ShutdownPhases {

    private static final Logger log = LoggerFactory.getLogger(ShutdownPhases.class);
    /** Settings this replaces: set, they would be silently ignored. */
    private static final List<String> REPLACED = List.of("spring.lifecycle.timeout-per-shutdown-phase",
            "kamiflow.jobs.shutdown-grace");

    @Bean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
    DefaultLifecycleProcessor lifecycleProcessor(ShutdownBudget budget, Environment environment) {
        for (String replaced : REPLACED) {
            if (environment.containsProperty(replaced)) {
                log.warn("{} is ignored: kamiflow.shutdown.budget ({}) bounds the whole stop", replaced, budget.getBudget());
            }
        }
        return new Budgeted(budget);
    }

    static final class Budgeted extends DefaultLifecycleProcessor {

        private final ShutdownBudget budget;

        Budgeted(ShutdownBudget budget) {
            this.budget = budget;
        }

        @Override
        public void onClose() {
            setTimeoutPerShutdownPhase(budget.closing().toMillis());
            setTimeoutForShutdownPhase(SmartLifecycle.DEFAULT_PHASE, budget.work().toMillis());
            setTimeoutForShutdownPhase(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE, budget.requests().toMillis());
            log.info("stopping within kamiflow.shutdown.budget {} s: work in progress {} s, requests in flight {} s, "
                    + "closing {} s", budget.getBudget().toSeconds(), budget.work().toSeconds(),
                    budget.requests().toSeconds(), budget.closing().toSeconds());
            super.onClose();
        }
    }
}
