package io.kamiflow.ops.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.ops.ratelimit.ClientAddress;
import io.kamiflow.ops.ratelimit.RateLimitProperties;
import io.kamiflow.ops.ratelimit.RateLimiter;
import io.kamiflow.ops.ratelimit.TooManyRequests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Throttles failed logins per client address, in front of every way in (admin API, engine REST, webapp login):
 * each 401 counts, and an address out of attempts gets 429 before its credentials are even checked. The
 * account itself is never locked or delayed (Camunda's own throttling is off, see application.yml), so an
 * attacker cannot lock the admin out. Applies to every address, loopback included.
 */
class LoginThrottleFilter extends OncePerRequestFilter {

    private static final String KIND = "login";

    private final RateLimiter limiter;
    private final RateLimitProperties properties;
    private final Predicate<HttpServletRequest> isLogin;
    private final ObjectMapper json;

    LoginThrottleFilter(RateLimiter limiter, RateLimitProperties properties, Predicate<HttpServletRequest> isLogin,
                        ObjectMapper json) {
        this.limiter = limiter;
        this.properties = properties;
        this.isLogin = isLogin;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isLogin.test(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = ClientAddress.of(request);
        Optional<Duration> wait = limiter.exhausted(KIND, address, properties.getLoginFailures());
        if (wait.isPresent()) {
            TooManyRequests.write(response, json, wait.get(), "too many failed logins from your address");
            return;
        }
        chain.doFilter(request, response);
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            limiter.take(KIND, address, properties.getLoginFailures());
        }
    }
}
