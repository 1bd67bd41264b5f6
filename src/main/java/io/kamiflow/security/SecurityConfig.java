package io.kamiflow.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.security.ratelimit.RateLimitProperties;
import io.kamiflow.security.ratelimit.RateLimiter;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The security floor: admin API and engine REST need credentials; the webapps have their own login. Failed
 * logins on all three are throttled per client address before any of them checks a password.
 */
@Configuration
class SecurityConfig {

    @Bean
    FilterRegistrationBean<LoginThrottleFilter> loginThrottle(RateLimiter limiter, RateLimitProperties properties,
                                                              CamundaBpmProperties camunda, ObjectMapper json) {
        String webappAuth = camunda.getWebapp().getApplicationPath() + "/api/admin/auth/user/";
        FilterRegistrationBean<LoginThrottleFilter> registration =
                new FilterRegistrationBean<>(new LoginThrottleFilter(limiter, properties, webappAuth, json));
        registration.addUrlPatterns("/api/admin/*", "/v3/api-docs", "/v3/api-docs/admin", "/engine-rest/*", webappAuth + "*");
        registration.setName("kamiflowLoginThrottle");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10); // before every filter that checks credentials
        return registration;
    }

    @Bean
    FilterRegistrationBean<AdminAuthenticationFilter> adminAuthentication(IdentityService identity, ObjectMapper json) {
        FilterRegistrationBean<AdminAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new AdminAuthenticationFilter(identity, json));
        // the admin API and its OpenAPI document (and the ungrouped one, which lists every path)
        registration.addUrlPatterns("/api/admin/*", "/v3/api-docs", "/v3/api-docs/admin");
        registration.setName("kamiflowAdminAuthentication");
        return registration;
    }

    /** Support forms accept their own fields only, through every Camunda REST entrance. */
    @Bean
    FilterRegistrationBean<TaskSubmissionGuard> taskSubmissionGuard(TaskService tasks, TaskForms forms, ObjectMapper json) {
        FilterRegistrationBean<TaskSubmissionGuard> registration =
                new FilterRegistrationBean<>(new TaskSubmissionGuard(tasks, forms, json));
        registration.addUrlPatterns("/engine-rest/*", "/camunda/api/engine/*");
        registration.setName("kamiflowTaskSubmissionGuard");
        return registration;
    }

    /** Camunda's own Basic-auth filter for /engine-rest, as its docs recommend for the embedded REST API. */
    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.addUrlPatterns("/engine-rest/*");
        registration.addInitParameter("authentication-provider", HttpBasicAuthenticationProvider.class.getName());
        registration.setName("camundaEngineRestAuthentication");
        return registration;
    }
}
