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
 * Throttles failed logins per client address, in front of every way in (admin API, engine REST, webapp login, the
 * back office's login form):
 * each 401 to a request that carried credentials counts (a first request without them is no guess), and an
 * address out of attempts gets 429 before its credentials are even checked. The
 * account itself is never locked or delayed (Camunda's own throttling is off, see application.yml), so an
 * attacker cannot lock the admin out. Applies to every address, loopback included.
 */
class LoginThrottleFilter extends OncePerRequestFilter {

    private static final String KIND = "login";
    /** The back office's form login: a failure redirects to {@code ?error}, an address out of attempts to {@code ?throttled}. */
    static final String BACK_OFFICE_LOGIN = "/admin/login";

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

    /**
     * Of the webapps' auth calls only the login POST: the others answer 401 to every visitor not logged in yet. Of the
     * back office's login only the form's POST.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (BACK_OFFICE_LOGIN.equals(path(request))) {
            return !isBackOfficeLogin(request); // the page itself is no attempt, and must show even to a throttled address
        }
        return path(request).startsWith(webappAuth) && !isWebappLogin(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = ClientAddress.of(request);
        Optional<Duration> wait = limiter.exhausted(KIND, address, properties.getLoginFailures());
        boolean backOffice = isBackOfficeLogin(request);
        if (wait.isPresent()) {
            if (backOffice) { // a person at a form: the page says it, with how long to wait
                response.setHeader("Retry-After", Long.toString(Math.max(1, wait.get().toSeconds())));
                response.sendRedirect(request.getContextPath() + BACK_OFFICE_LOGIN + "?throttled");
                return;
            }
            TooManyRequests.write(response, json, wait.get(), "too many failed logins from your address");
            return;
        }
        chain.doFilter(request, response);
        boolean attempted = isWebappLogin(request) || request.getHeader("Authorization") != null;
        if (attempted && response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED || backOffice && failed(response)) {
            limiter.take(KIND, address, properties.getLoginFailures());
        }
    }

    private static boolean isBackOfficeLogin(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && BACK_OFFICE_LOGIN.equals(path(request));
    }

    /** Spring Security's form login answers a wrong password with a redirect to the login page's error view. */
    private static boolean failed(HttpServletResponse response) {
        String location = response.getHeader("Location");
        return response.getStatus() == HttpServletResponse.SC_FOUND && location != null && location.endsWith("/admin/login?error");
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
