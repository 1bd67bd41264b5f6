package io.kamiflow.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An If-Match header against a product's version (its ETag is the version in quotes): "*" matches any version, else
 * one of the listed tags must be the version. A weak tag (W/"3") counts too: a proxy that compresses answers weakens
 * the ETag it passes on, yet the version still names exactly what the client read. Anything else matches nothing.
 */
record IfMatch(boolean any, List<String> tags) {

    private static final Pattern TAG = Pattern.compile("(?:W/)?\"([^\"]*)\"");

    static IfMatch of(String header) {
        if (header.strip().equals("*")) {
            return new IfMatch(true, List.of());
        }
        List<String> tags = new ArrayList<>();
        Matcher tag = TAG.matcher(header);
        while (tag.find()) {
            tags.add(tag.group(1));
        }
        return new IfMatch(false, tags);
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    boolean matches(long version) {
        return any || tags.contains(Long.toString(version));
    }
}
