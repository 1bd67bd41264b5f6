package io.kamiflow.web;

/**
 * Client-supplied text made safe to echo in a log line or an error detail: only {@code [A-Za-z0-9._:-]} survive
 * (anything else becomes {@code ?}, so no line breaks, markup or escape sequences), cut at 40 characters.
 */
public final class LogSafe {

    private LogSafe() {
    }

    public static String of(String value) {
        if (value == null) {
            return "-";
        }
        String safe = value.replaceAll("[^A-Za-z0-9._:-]", "?");
        return safe.length() > 40 ? safe.substring(0, 40) + "..." : safe;
    }
}
