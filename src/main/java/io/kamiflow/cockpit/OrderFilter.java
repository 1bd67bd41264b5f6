package io.kamiflow.cockpit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.kamiflow.ordering.OrderStatus;
import io.kamiflow.web.LogSafe;

/**
 * The search as validated from query parameters: each one is checked, and unknown names are refused so a typo
 * never silently lists every order. Times bound created_at: {@code from} inclusive, {@code to} exclusive; a
 * plain date means that UTC day (a {@code to} date includes its day). Pages are keyset pages: {@code after} is the
 * last order number of the page before (the answer's {@code next}), so every page costs what the first does.
 * {@code needsAttention=true} keeps the orders with an open support task or incident.
 */
public record OrderFilter(String orderNoPrefix, String email, String status, String sku, String channel, Instant from,
                          Instant to, String after, int size, boolean needsAttention) {

    static final int DEFAULT_SIZE = 20;
    static final int MAX_SIZE = 100;

    private static final Set<String> NAMES = Set.of("orderNo", "email", "status", "sku", "channel", "from", "to", "after", "size",
            "needsAttention");
    private static final Pattern ORDER_NO = Pattern.compile("[0-9A-Za-z-]{1,32}");
    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9_-]{1,16}");

    public static OrderFilter parse(Map<String, List<String>> params) {
        for (Map.Entry<String, List<String>> param : params.entrySet()) {
            if (!NAMES.contains(param.getKey())) {
                throw new InvalidQuery("unknown parameter '" + LogSafe.of(param.getKey()) + "'; known: " + String.join(", ", NAMES.stream().sorted().toList()));
            }
            if (param.getValue().size() > 1) {
                throw new InvalidQuery(param.getKey() + ": give it once");
            }
        }
        String orderNo = text(params, "orderNo");
        if (orderNo != null) {
            checkOrderNo(orderNo);
        }
        String email = text(params, "email");
        if (email != null && (email.length() > 254 || !email.contains("@"))) {
            throw new InvalidQuery("email: a whole email address (at most 254 characters)");
        }
        String status = text(params, "status");
        if (status != null) {
            status = status.toUpperCase(Locale.ROOT);
            String wanted = status;
            if (Arrays.stream(OrderStatus.values()).noneMatch(s -> s.name().equals(wanted))) {
                throw new InvalidQuery("status must be one of " + Arrays.toString(OrderStatus.values()));
            }
        }
        String sku = text(params, "sku");
        if (sku != null && sku.length() > 64) {
            throw new InvalidQuery("sku: a product's sku, at most 64 characters");
        }
        String channel = text(params, "channel");
        if (channel != null && !CHANNEL.matcher(channel).matches()) {
            throw new InvalidQuery("channel: a channel id such as sandbox, alipay, wechat, stripe, epay");
        }
        Instant from = time(params, "from", false);
        Instant to = time(params, "to", true);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidQuery("from must be before to");
        }
        String after = text(params, "after");
        if (after != null && !ORDER_NO.matcher(after).matches()) {
            throw new InvalidQuery("after: the order number the page before ended with (its 'next')");
        }
        int size = number(params, "size", DEFAULT_SIZE, 1, MAX_SIZE);
        String attention = text(params, "needsAttention");
        if (attention != null && !attention.equals("true") && !attention.equals("false")) {
            throw new InvalidQuery("needsAttention: true (only orders with an open task or incident) or false");
        }
        return new OrderFilter(orderNo, email, status, sku, channel, from, to, after, size, "true".equals(attention));
    }

    /** An order number or its prefix, as the search and the timeline take it. */
    public static void checkOrderNo(String orderNo) {
        if (!ORDER_NO.matcher(orderNo).matches()) {
            throw new InvalidQuery("orderNo: letters, digits and '-' only, at most 32");
        }
    }

    private static String text(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isBlank()) {
            return null;
        }
        return values.get(0).strip();
    }

    private static int number(Map<String, List<String>> params, String name, int fallback, int min, int max) {
        String value = text(params, name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidQuery(name + " must be a whole number from " + min + " to " + max + " (got '" + LogSafe.of(value) + "')");
    }

    private static Instant time(Map<String, List<String>> params, String name, boolean endOfDay) {
        String value = text(params, name);
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidQuery(name + " must be a date (2026-01-31) or an instant (2026-01-31T08:00:00Z), got '"
                    + LogSafe.of(value) + "'");
        }
    }
}
