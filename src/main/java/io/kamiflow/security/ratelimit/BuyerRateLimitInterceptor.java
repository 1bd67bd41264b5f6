package io.kamiflow.security.ratelimit;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Checkout ({@code POST /api/orders}, the storefront's {@code POST /products/{sku}/checkout}), order lookup
 * ({@code GET /api/orders/{orderNo}}, the storefront's order page and its polling) and "find my order"
 * ({@code POST /find-order}, which mails) per client address, decided at the handler the request reaches: Spring MVC
 * has already matched it, so every spelling of a path that reaches a limited handler (an encoded letter, say) counts,
 * and HEAD counts as the GET it is answered by. The body is not read yet and nothing is written: a refused request
 * changes nothing. Exempt addresses pass uncounted. "Find my order" is limited per order number too, from whatever
 * address: a known buyer's mailbox cannot be flooded from many addresses (the answer is the same whether or not the
 * number exists). "Find my orders" ({@code POST /find-order/email}) likewise per address asked for, and the list it
 * mails ({@code GET /my-orders}) counts as a lookup. The buy form's quote ({@code GET /api/products/{sku}/quote}) has its
 * own bucket: it tells whether a coupon code exists, so it must not become a way to try codes by the thousand.
 */
class BuyerRateLimitInterceptor implements HandlerInterceptor {

    enum Limited {
        CHECKOUT("checkout", RateLimitProperties::getCheckout, "too many checkouts from your address"),
        LOOKUP("lookup", RateLimitProperties::getLookup, "too many order lookups from your address"),
        FIND_ORDER("find-order", RateLimitProperties::getFindOrder,
                "too many order link requests from your address or for this order number"),
        FIND_ORDERS("find-orders", RateLimitProperties::getFindOrder,
                "too many order list requests from your address or for this email"),
        QUOTE("quote", RateLimitProperties::getQuote, "too many price quotes from your address");

        final String bucket;
        final Function<RateLimitProperties, RateLimitProperties.Limit> limit;
        final String detail;

        Limited(String bucket, Function<RateLimitProperties, RateLimitProperties.Limit> limit, String detail) {
            this.bucket = bucket;
            this.limit = limit;
            this.detail = detail;
        }
    }

    /** Method and route of each limited handler, as its controller maps it (checked against the mappings at start). */
    static final Map<String, Limited> ROUTES = Map.of(
            "POST /api/orders", Limited.CHECKOUT,
            "POST /products/{sku}/checkout", Limited.CHECKOUT,
            "GET /api/orders/{orderNo}", Limited.LOOKUP,
            "GET /orders/{orderNo}", Limited.LOOKUP,
            "POST /find-order", Limited.FIND_ORDER,
            "POST /find-order/email", Limited.FIND_ORDERS,
            "GET /my-orders", Limited.LOOKUP,
            "GET /api/products/{sku}/quote", Limited.QUOTE);

    /** Order numbers as OrderNumbers makes them (time-sortable, uppercase letters and digits). */
    private static final Pattern ORDER_NO = Pattern.compile("[A-Z0-9-]{1,32}");

    private final RateLimiter limiter;
    private final RateLimitProperties properties;
    private final ExemptAddresses exempt;
    private final ObjectMapper json;

    BuyerRateLimitInterceptor(RateLimiter limiter, RateLimitProperties properties, ExemptAddresses exempt, ObjectMapper json) {
        this.limiter = limiter;
        this.properties = properties;
        this.exempt = exempt;
        this.json = json;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String method = "HEAD".equals(request.getMethod()) ? "GET" : request.getMethod();
        Limited limited = route == null ? null : ROUTES.get(method + " " + route);
        if (limited == null) {
            return true;
        }
        String address = ClientAddress.of(request);
        if (exempt.isExempt(address)) {
            return true;
        }
        Optional<Duration> wait = limiter.tryTake(limited.bucket, address, limited.limit.apply(properties));
        if (wait.isEmpty() && limited == Limited.FIND_ORDER) {
            wait = perOrder(request.getParameter("orderNo"));
        }
        if (wait.isEmpty() && limited == Limited.FIND_ORDERS) {
            wait = perEmail(request.getParameter("email"));
        }
        if (wait.isPresent()) {
            TooManyRequests.write(response, json, wait.get(), limited.detail);
            return false;
        }
        return true;
    }

    /** "Find my orders" per address asked for, however it is spelled: what that mailbox receives at most. */
    private Optional<Duration> perEmail(String email) {
        String address = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        if (address.isEmpty() || address.length() > 254) {
            return Optional.empty(); // the form refuses it and mails nothing
        }
        return limiter.tryTake("find-orders-for", address, properties.getFindOrdersPerEmail());
    }

    private Optional<Duration> perOrder(String orderNo) {
        String number = orderNo == null ? "" : orderNo.strip().toUpperCase(Locale.ROOT);
        if (!ORDER_NO.matcher(number).matches()) {
            return Optional.empty(); // no order has it: the form refuses or finds nothing, and mails nothing
        }
        return limiter.tryTake("find-order-for", number, properties.getFindOrderPerOrder());
    }
}
