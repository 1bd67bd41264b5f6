package io.kamiflow.cockpit;

import jakarta.servlet.ServletContext;
import org.springframework.context.ApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * Camunda's webapp lets Jersey instantiate plugin resources, outside Spring: they reach kamiflow's beans through
 * the application context of the servlet context serving the request (not a static holder: two kamiflow contexts
 * in one JVM, as in tests, must each answer with their own beans).
 */
final class SpringBeans {

    private final ApplicationContext context;

    private SpringBeans(ApplicationContext context) {
        this.context = context;
    }

    static SpringBeans of(ServletContext servletContext) {
        return new SpringBeans(WebApplicationContextUtils.getRequiredWebApplicationContext(servletContext));
    }

    <T> T get(Class<T> type) {
        return context.getBean(type);
    }
}
