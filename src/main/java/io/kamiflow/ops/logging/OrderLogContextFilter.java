package io.kamiflow.ops.logging;

import java.io.IOException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Requests naming an order in their path (order page, admin order commands) log under its number. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class OrderLogContextFilter extends OncePerRequestFilter {

    private static final Pattern ORDER_PATH = Pattern.compile("^/api/(?:admin/)?orders/([A-Za-z0-9-]{1,32})(?:/.*)?$");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // the path the container mapped (decoded, normalized): an encoded letter reaches the same order
        Matcher matcher = ORDER_PATH.matcher(request.getServletPath() + Objects.toString(request.getPathInfo(), ""));
        try (OrderLogContext context = OrderLogContext.of(matcher.matches() ? matcher.group(1) : null)) {
            chain.doFilter(request, response);
        }
    }
}
