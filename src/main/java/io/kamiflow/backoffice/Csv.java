package io.kamiflow.backoffice;

import java.io.IOException;
import java.io.Writer;

/**
 * CSV lines as RFC 4180 writes them (no CSV library is on the classpath, so the few rules are here): fields with a
 * comma, a quote or a line break are quoted, quotes doubled, lines end in CRLF. A field a spreadsheet would run as
 * a formula (starting with = + - @, or a tab or carriage return) gets a leading single quote, as OWASP advises.
 */
final class Csv {

    private Csv() {
    }

    static void line(Writer out, String... fields) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(field(fields[i]));
        }
        out.write("\r\n");
    }

    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
