package io.kamiflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of /actuator/prometheus on the management port, read as series (name + labels) and values. */
public final class Metrics {

    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private record Series(String name, Map<String, String> labels, double value) {
    }

    private final List<Series> series = new ArrayList<>();
    private final String text;

    private Metrics(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            Matcher m = SERIES.matcher(line.trim());
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
    }

    public static Metrics scrape(int managementPort) {
        ShopClient.Response response = new ShopClient(managementPort).send("GET", "/actuator/prometheus", null, null, Map.of());
        assertThat(response.status()).isEqualTo(200);
        return new Metrics(response.body());
    }

    /** Sum of the series called {@code name} whose labels include the given label/value pairs; 0 when none. */
    public double value(String name, String... labels) {
        return matching(name, labels).stream().mapToDouble(Series::value).sum();
    }

    /** Whether at least one series called {@code name} with these labels is exported. */
    public boolean has(String name, String... labels) {
        return !matching(name, labels).isEmpty();
    }

    public String text() {
        return text;
    }

    private List<Series> matching(String name, String... labels) {
        return series.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }).toList();
    }
}
