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
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * The security floor: admin API and engine REST need credentials; the webapps have their own login. Failed
 * logins on all three are throttled per client address before any of them checks a password.
 */
@Configuration
class SecurityConfig {

    /** Late, after Spring Security's firewall and the login throttle; engine REST's authentication just before. */
    static final int CAMUNDA_API_GUARD_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    @Bean
    FilterRegistrationBean<LoginThrottleFilter> loginThrottle(RateLimiter limiter, RateLimitProperties properties,
                                                              CamundaBpmProperties camunda, ObjectMapper json) {
        String webappAuth = camunda.getWebapp().getApplicationPath() + "/api/admin/auth/user/";
        FilterRegistrationBean<LoginThrottleFilter> registration =
                new FilterRegistrationBean<>(new LoginThrottleFilter(limiter, properties, webappAuth, json));
        registration.addUrlPatterns("/api/admin/*", "/v3/*", "/engine-rest/*", webappAuth + "*", LoginThrottleFilter.BACK_OFFICE_LOGIN);
        registration.setName("kamiflowLoginThrottle");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10); // before every filter that checks credentials
        return registration;
    }

    @Bean
    FilterRegistrationBean<AdminAuthenticationFilter> adminAuthentication(IdentityService identity, ObjectMapper json) {
        FilterRegistrationBean<AdminAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new AdminAuthenticationFilter(identity, json));
        // the admin API and the OpenAPI documents (all but the buyer's: the ungrouped and YAML forms list every path)
        registration.addUrlPatterns("/api/admin/*", "/v3/*");
        registration.setName("kamiflowAdminAuthentication");
        return registration;
    }

    /** Camunda REST paths must be spelled plainly, checked before Spring Security's own path handling sees them. */
    @Bean
    FilterRegistrationBean<CamundaPathSpelling> camundaPathSpelling(CamundaBpmProperties camunda, CamundaApiRefusals refusals) {
        FilterRegistrationBean<CamundaPathSpelling> registration = new FilterRegistrationBean<>(new CamundaPathSpelling(refusals));
        registration.addUrlPatterns("/engine-rest/*", camunda.getWebapp().getApplicationPath() + "/api/*");
        registration.setName("kamiflowCamundaPathSpelling");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 30);
        return registration;
    }

    /**
     * In front of Camunda's REST API (engine REST and the webapps' API): support may make only the calls Tasklist
     * needs. After engine REST's authentication (it reads who calls from there).
     */
    @Bean
    FilterRegistrationBean<CamundaApiGuard> camundaApiGuard(IdentityService identity, CamundaBpmProperties camunda,
                                                            CamundaApiRefusals refusals) {
        FilterRegistrationBean<CamundaApiGuard> registration = new FilterRegistrationBean<>(
                new CamundaApiGuard(identity, new SupportAllowlist(camunda.getWebapp().getApplicationPath()), refusals));
        registration.addUrlPatterns("/engine-rest/*", camunda.getWebapp().getApplicationPath() + "/api/*");
        registration.setName("kamiflowCamundaApiGuard");
        registration.setOrder(CAMUNDA_API_GUARD_ORDER);
        return registration;
    }

    /** Support forms accept their own fields only, through every Camunda REST entrance. */
    @Bean
    FilterRegistrationBean<TaskSubmissionGuard> taskSubmissionGuard(TaskService tasks, TaskForms forms, ObjectMapper json,
                                                                    CamundaBpmProperties camunda, CamundaApiRefusals refusals) {
        String webapp = camunda.getWebapp().getApplicationPath();
        FilterRegistrationBean<TaskSubmissionGuard> registration =
                new FilterRegistrationBean<>(new TaskSubmissionGuard(webapp, tasks, forms, json, refusals));
        registration.addUrlPatterns("/engine-rest/*", webapp + "/api/engine/*");
        registration.setName("kamiflowTaskSubmissionGuard");
        registration.setOrder(CAMUNDA_API_GUARD_ORDER + 10);
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
        registration.setOrder(CAMUNDA_API_GUARD_ORDER - 10); // the guards behind it read the user it authenticated
        return registration;
    }

    /**
     * No Micrometer observation around every security filter of every request: nobody reads those spans or timers
     * (http.server.requests stays), and on the checkout and callback paths they were a visible share of the
     * filter chain's CPU (JFR during the bench).
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }
}
