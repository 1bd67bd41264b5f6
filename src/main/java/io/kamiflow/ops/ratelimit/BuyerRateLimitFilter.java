package io.kamiflow.ops.ratelimit;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checkout ({@code POST /api/orders}) and order lookup ({@code GET /api/orders/{orderNo}}) per client address,
 * before anything else runs: a refused request changes nothing. Exempt addresses pass uncounted.
 */
class BuyerRateLimitFilter extends OncePerRequestFilter {

    private final RateLimiter limiter;
    private final RateLimitProperties properties;
    private final ExemptAddresses exempt;
    private final ObjectMapper json;

    BuyerRateLimitFilter(RateLimiter limiter, RateLimitProperties properties, ExemptAddresses exempt, ObjectMapper json) {
        this.limiter = limiter;
        this.properties = properties;
        this.exempt = exempt;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        String address = ClientAddress.of(request);
        if ("POST".equals(request.getMethod()) && path.equals("/api/orders") && !exempt.isExempt(address)) {
            Optional<Duration> wait = limiter.tryTake("checkout", address, properties.getCheckout());
            if (wait.isPresent()) {
                TooManyRequests.write(response, json, wait.get(), "too many checkouts from your address");
                return;
            }
        } else if ("GET".equals(request.getMethod()) && path.startsWith("/api/orders/") && !exempt.isExempt(address)) {
            Optional<Duration> wait = limiter.tryTake("lookup", address, properties.getLookup());
            if (wait.isPresent()) {
                TooManyRequests.write(response, json, wait.get(), "too many order lookups from your address");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
