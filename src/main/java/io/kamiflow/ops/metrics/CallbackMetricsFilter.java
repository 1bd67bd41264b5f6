package io.kamiflow.ops.metrics;

import java.io.IOException;
import java.util.Objects;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts every gateway callback once, after it was answered: the payment recorder marks what it did
 * ({@link #mark}), the answer's status tells the rest. Rejection reasons are a fixed set: invalid (signature,
 * shape, timestamp, merchant), unknown_order, channel_disabled, too_large, error (5xx).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20) // outside the body limit, so a 413 is counted too
public class CallbackMetricsFilter extends OncePerRequestFilter {

    private static final String PREFIX = "/api/payments/";
    static final Set<String> CHANNELS = Set.of("sandbox", "alipay", "wechat", "stripe", "epay");
    static final Set<String> REASONS = Set.of("invalid", "unknown_order", "channel_disabled", "too_large", "error");
    private static final String OUTCOME = CallbackMetricsFilter.class.getName() + ".outcome";

    private final ShopMetrics metrics;

    CallbackMetricsFilter(ShopMetrics metrics) {
        this.metrics = metrics;
    }

    /** What the recorder made of the callback being answered: accepted, duplicate, ignored or unknown_order. */
    public static void mark(String outcome) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(OUTCOME, outcome, RequestAttributes.SCOPE_REQUEST);
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return channel(request) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        int status = 500;
        try {
            chain.doFilter(request, response);
            status = response.getStatus();
        } finally {
            Object marked = request.getAttribute(OUTCOME);
            if (status < 400) {
                metrics.callback(channel(request), marked != null ? marked.toString() : "ignored", "none");
            } else {
                metrics.callback(channel(request), "rejected", reason(status, marked));
            }
        }
    }

    private static String reason(int status, Object marked) {
        if (status >= 500) {
            return "error";
        }
        return switch (status) {
            case 404 -> "unknown_order".equals(marked) ? "unknown_order" : "channel_disabled";
            case 413 -> "too_large";
            default -> "invalid";
        };
    }

    /** By the path the container mapped (decoded, normalized), as the controllers see it: an encoded letter counts too. */
    private static String channel(HttpServletRequest request) {
        String path = request.getServletPath() + Objects.toString(request.getPathInfo(), "");
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String channel = slash < 0 ? rest : rest.substring(0, slash);
        return CHANNELS.contains(channel) ? channel : null;
    }
}
