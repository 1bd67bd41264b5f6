package io.kamiflow.backoffice;

import io.kamiflow.web.PagePolicy;
import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Spring Security on {@code /admin} only: a form login with a session (CSRF token in it), the storefront's strict
 * headers, and deny by default: every page needs the owner's or the merchant's role, a logged-in user without either
 * gets the 403 page, an anonymous one the login page. Failed logins count in the shared per-address login throttle
 * (security's LoginThrottleFilter sees the redirect to {@code ?error}).
 */
@Configuration
class BackOfficeSecurity {


    /** The owner's pages: the payment channels' settings, and key values in clear (a batch's export). */
    static final String[] OWNER_ONLY = {"/admin/channels", "/admin/channels/**", "/admin/products/*/batches/*/export"};

    @Bean
    SecurityFilterChain backOffice(HttpSecurity http, IdentityService identity) throws Exception {
        return http.securityMatcher("/admin", "/admin/**")
                .authenticationProvider(new CamundaUsers(identity))
                .authorizeHttpRequests(requests -> requests
                        .dispatcherTypeMatchers(DispatcherType.FORWARD, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/admin/login", "/admin/css/**", "/admin/denied").permitAll()
                        .requestMatchers(OWNER_ONLY).hasRole(CamundaUsers.OWNER)
                        .anyRequest().hasAnyRole(CamundaUsers.OWNER, CamundaUsers.MERCHANT))
                .formLogin(form -> form.loginPage("/admin/login").loginProcessingUrl("/admin/login")
                        .defaultSuccessUrl("/admin", false).failureUrl("/admin/login?error"))
                .logout(logout -> logout.logoutUrl("/admin/logout").logoutSuccessUrl("/admin/login?logout"))
                .sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId()))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(PagePolicy.CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(BackOfficeSecurity::toLogin).accessDeniedHandler((request, response, denied) -> {
                    response.setStatus(HttpStatus.FORBIDDEN.value()); // no role here, or a form without its CSRF token
                    request.getRequestDispatcher("/admin/denied").forward(request, response);
                }))
                .anonymous(anonymous -> anonymous.disable())
                .build();
    }

    /**
     * The login page for a request without a user; one that still names a session the server no longer has (30
     * minutes without a request, server.servlet.session.timeout, or a restarted node) hears that it ended. Not
     * Spring's invalid-session URL: that also answers a form without its CSRF token, which must stay a 403.
     */
    private static void toLogin(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        boolean ended = request.getRequestedSessionId() != null && !request.isRequestedSessionIdValid();
        response.sendRedirect(request.getContextPath() + "/admin/login" + (ended ? "?expired" : ""));
    }
}
