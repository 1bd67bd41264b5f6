package io.kamiflow.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.security.ratelimit.ClientAddress;
import io.kamiflow.security.ratelimit.RateLimitProperties;
import io.kamiflow.security.ratelimit.RateLimiter;
import io.kamiflow.security.ratelimit.TooManyRequests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Throttles failed logins per client address, in front of every way in (admin API, engine REST, webapp login):
 * each 401 to a request that carried credentials counts (a first request without them is no guess), and an
 * address out of attempts gets 429 before its credentials are even checked. The
 * account itself is never locked or delayed (Camunda's own throttling is off, see application.yml), so an
 * attacker cannot lock the admin out. Applies to every address, loopback included.
 */
class LoginThrottleFilter extends OncePerRequestFilter {

    private static final String KIND = "login";

    private final RateLimiter limiter;
    private final RateLimitProperties properties;
    private final String webappAuth;
    private final ObjectMapper json;

    /** @param webappAuth path prefix of the webapps' auth resource, e.g. {@code /camunda/api/admin/auth/user/} */
    LoginThrottleFilter(RateLimiter limiter, RateLimitProperties properties, String webappAuth, ObjectMapper json) {
        this.limiter = limiter;
        this.properties = properties;
        this.webappAuth = webappAuth;
        this.json = json;
    }

    /** Of the webapps' auth calls only the login POST: the others answer 401 to every visitor not logged in yet. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return path(request).startsWith(webappAuth) && !isWebappLogin(request);
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
        boolean attempted = isWebappLogin(request) || request.getHeader("Authorization") != null;
        if (attempted && response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            limiter.take(KIND, address, properties.getLoginFailures());
        }
    }

    private boolean isWebappLogin(HttpServletRequest request) {
        String path = path(request);
        return "POST".equals(request.getMethod()) && path.startsWith(webappAuth) && path.contains("/login/");
    }

    /** As the webapps route it (an encoded letter is the same login); an ambiguous spelling is never skipped. */
    private static String path(HttpServletRequest request) {
        return RoutedPath.of(request).orElse("");
    }
}
