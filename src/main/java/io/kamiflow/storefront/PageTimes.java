package io.kamiflow.storefront;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Times on the buyer's pages: the server's clock is the truth. Rendered in UTC (so the page says it without
 * JavaScript), with the instant in a {@code datetime} attribute that shop.js shows in the browser's own time zone.
 */
final class PageTimes {

    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private PageTimes() {
    }

    /** For a {@code <time datetime>} attribute: ISO-8601 UTC. */
    static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /** What the page shows without JavaScript. */
    static String text(Instant instant) {
        return TEXT.format(instant);
    }
}
