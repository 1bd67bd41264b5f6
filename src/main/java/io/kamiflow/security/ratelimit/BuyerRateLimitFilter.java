package io.kamiflow.security.ratelimit;

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
 * Checkout ({@code POST /api/orders}, the storefront's {@code POST /products/{sku}/checkout}) and order lookup
 * ({@code GET /api/orders/{orderNo}}, the storefront's {@code GET /orders/{orderNo}}) and "find my order"
 * ({@code POST /find-order}, which mails) per client address,
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
        if ("POST".equals(request.getMethod()) && isCheckout(path) && !exempt.isExempt(address)) {
            Optional<Duration> wait = limiter.tryTake("checkout", address, properties.getCheckout());
            if (wait.isPresent()) {
                TooManyRequests.write(response, json, wait.get(), "too many checkouts from your address");
                return;
            }
        } else if ("POST".equals(request.getMethod()) && path.equals("/find-order") && !exempt.isExempt(address)) {
            Optional<Duration> wait = limiter.tryTake("find-order", address, properties.getFindOrder());
            if (wait.isPresent()) {
                TooManyRequests.write(response, json, wait.get(), "too many order link requests from your address");
                return;
            }
        } else if ("GET".equals(request.getMethod()) && isLookup(path) && !exempt.isExempt(address)) {
            Optional<Duration> wait = limiter.tryTake("lookup", address, properties.getLookup());
            if (wait.isPresent()) {
                TooManyRequests.write(response, json, wait.get(), "too many order lookups from your address");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** The JSON API's checkout and the storefront's checkout form count as one. */
    private static boolean isCheckout(String path) {
        return path.equals("/api/orders") || (path.startsWith("/products/") && path.endsWith("/checkout"));
    }

    /** The JSON lookup and the storefront's order page (and its polling) count as one. */
    private static boolean isLookup(String path) {
        return path.startsWith("/api/orders/") || path.startsWith("/orders/");
    }
}
