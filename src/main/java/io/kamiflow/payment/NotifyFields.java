package io.kamiflow.payment;


import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.kamiflow.web.LogSafe;
import org.springframework.util.MultiValueMap;

/** Small helpers every notify endpoint needs: one value per field, gateway-style canonical strings, safe comparison. */
public final class NotifyFields {

    private NotifyFields() {
    }

    /** The fields of a form or query, sorted by name; a field given twice is ambiguous and refused. */
    public static TreeMap<String, String> singleValued(MultiValueMap<String, String> form) {
        TreeMap<String, String> fields = new TreeMap<>();
        for (var entry : form.entrySet()) {
            if (entry.getValue().size() != 1) {
                throw new IllegalArgumentException("field '" + LogSafe.of(entry.getKey()) + "' given more than once");
            }
            fields.put(entry.getKey(), entry.getValue().get(0));
        }
        return fields;
    }

    /**
     * {@code k=v&k=v} sorted by name, leaving out {@code sign}, {@code sign_type} and empty values: the string
     * Alipay and 易支付 sign.
     */
    public static String signedContent(Map<String, String> fields) {
        return new TreeMap<>(fields).entrySet().stream()
                .filter(e -> !e.getKey().equals("sign") && !e.getKey().equals("sign_type"))
                .filter(e -> e.getValue() != null && !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }

    /** Constant-time equality, null-safe (null equals nothing). */
    public static boolean same(String expected, String actual) {
        if (expected == null || actual == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The fields of a notify request, one value each, with every {@code required} one present.
     * @throws IllegalArgumentException saying which field is duplicated or missing
     */
    public static TreeMap<String, String> parse(MultiValueMap<String, String> form, Iterable<String> required) {
        TreeMap<String, String> fields = singleValued(form);
        for (String name : required) {
            if (blank(fields.get(name))) {
                throw new IllegalArgumentException("missing field " + name);
            }
        }
        return fields;
    }

    public static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
