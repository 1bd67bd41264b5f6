package io.kamiflow.security;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.util.UriUtils;

/**
 * The path a request reaches, spelled one way: every segment percent-decoded (Jersey decodes path parameters and
 * Spring MVC its segments, so {@code task/%37a/submit-form} is task 7a's submission) and one trailing slash dropped
 * (Jersey routes {@code submit-form/} as {@code submit-form}). Spellings on which the servlet container, Jersey, Spring
 * MVC and this class could disagree are not guessed at but refused: empty segments ({@code //}), dot segments, path
 * parameters ({@code ;jsessionid=}), and a {@code /}, {@code \}, {@code ;}, {@code %} or control character inside a
 * decoded segment. Letter case is kept: Jersey and Spring MVC route case-sensitively.
 */
final class RoutedPath {

    private RoutedPath() {
    }

    /** @return the decoded path below the context path; empty when it is spelled ambiguously */
    static Optional<String> of(HttpServletRequest request) {
        return of(request.getRequestURI().substring(request.getContextPath().length()));
    }

    static Optional<String> of(String raw) {
        if (!raw.startsWith("/") || raw.indexOf(';') >= 0 || raw.indexOf('\\') >= 0) {
            return Optional.empty();
        }
        String[] segments = raw.substring(1).split("/", -1);
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].isEmpty()) {
                if (i == segments.length - 1) {
                    break; // "/" itself, or one trailing slash
                }
                return Optional.empty();
            }
            String segment;
            try {
                segment = UriUtils.decode(segments[i], StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEncoding) {
                return Optional.empty();
            }
            if (segment.equals(".") || segment.equals("..") || segment.chars().anyMatch(RoutedPath::ambiguous)) {
                return Optional.empty();
            }
            path.append('/').append(segment);
        }
        return Optional.of(path.isEmpty() ? "/" : path.toString());
    }

    private static boolean ambiguous(int c) {
        return c == '/' || c == '\\' || c == ';' || c == '%' || c < 0x20 || c == 0x7f;
    }
}
