package io.kamiflow.ops.cockpit;

import org.springframework.beans.BeansException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.stereotype.Component;

/**
 * Camunda's webapp lets Jersey instantiate plugin resources, outside Spring: they reach kamiflow's beans
 * through this holder, set once the context starts.
 */
@Component
class SpringBeans implements ApplicationContextAware {

    private static volatile ApplicationContext context;

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) throws BeansException {
        context = applicationContext;
    }

    static <T> T get(Class<T> type) {
        ApplicationContext current = context;
        if (current == null) {
            throw new IllegalStateException("the Spring context has not started yet");
        }
        return current.getBean(type);
    }
}
