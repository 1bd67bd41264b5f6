package io.kamiflow.storefront;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.web.PagePolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Spring Security on the storefront's own paths only: CSRF tokens on its form posts and strict headers on its
 * pages. Everyone may browse and buy, so nothing is authenticated here; the admin API, engine REST and the
 * Camunda webapps match no chain and keep their own filters.
 */
@Configuration
class StorefrontSecurity {


    static final String[] PATHS = {"/", "/products/**", "/orders/**", "/find-order", "/find-order/**", "/my-orders", "/css/**",
            "/js/**", "/img/**", "/images/products/*", "/images/shop/logo"};

    /**
     * The CSRF token in a cookie, not the HTTP session: a form rendered by one node is accepted by any other, and the
     * storefront needs no session (and no sticky load balancing) at all. HttpOnly, since only the form field, which
     * the page renders, has to carry it back; SameSite=Lax, so another site's form post does not even send it.
     */
    static CookieCsrfTokenRepository csrfTokens() {
        CookieCsrfTokenRepository tokens = new CookieCsrfTokenRepository(); // HttpOnly by default
        tokens.setCookieCustomizer(cookie -> cookie.sameSite("Lax"));
        return tokens;
    }

    @Bean
    SecurityFilterChain storefront(HttpSecurity http, ObjectMapper json) throws Exception {
        return http.securityMatcher(PATHS)
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens()))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(PagePolicy.CONTENT_SECURITY_POLICY))
                        // the order link carries its token: never pass it on to a gateway or any other site
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, denied) -> {
                    // only CSRF refuses anything here: a stale page, or a form posted from another site
                    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
                            "the form was not sent from this shop's current page; reload the page and try again");
                    response.setStatus(HttpStatus.FORBIDDEN.value());
                    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                    json.writeValue(response.getOutputStream(), problem);
                }))
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .build();
    }
}
