package io.kamiflow.storefront;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.ViewResolver;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * Storefront pages kept as rendered, per template and language, while their model stays equal (issue 23: during a
 * flash sale the Thymeleaf render was the largest share of the pages' CPU, and the catalogue is the same page for
 * every buyer). The model is the key: the copy is served only when every value the template reads (the cards with
 * their stock, names, images, the announcement, the language links) equals what it was rendered from, so a stock or
 * catalogue change shows as soon as the model shows it, with no invalidation to forget. Only for pages that read
 * nothing but their model and the language: no form with a CSRF token (a body naming {@code _csrf} is never kept),
 * nothing from a session (a page rendered while the session's id could go into its links is never kept).
 */
@Component
class RenderedPages {

    private record Copy(Map<String, Object> model, String html, String contentType) {
    }

    private final ViewResolver thymeleaf;
    private final ConcurrentHashMap<String, Copy> copies = new ConcurrentHashMap<>();
    private final AtomicLong renders = new AtomicLong();

    RenderedPages(@Qualifier("thymeleafViewResolver") ViewResolver thymeleaf) {
        this.thymeleaf = thymeleaf;
    }

    /** The template's page, rendered or served from the copy rendered from an equal model. */
    View page(String template) {
        return new View() {
            @Override
            public String getContentType() {
                return "text/html;charset=UTF-8";
            }

            @Override
            public void render(Map<String, ?> model, HttpServletRequest request, HttpServletResponse response) throws Exception {
                Locale locale = RequestContextUtils.getLocale(request);
                String key = template + '|' + locale.toLanguageTag();
                Copy copy = copies.get(key);
                if (copy == null || !copy.model().equals(model)) {
                    copy = renderNow(template, locale, model, request, response);
                    if (keepable(copy, request)) {
                        copies.put(key, copy);
                    }
                }
                response.setContentType(copy.contentType());
                response.getWriter().write(copy.html());
            }
        };
    }

    /** How many times a page was rendered rather than served from its copy (tests read it). */
    long renders() {
        return renders.get();
    }

    private Copy renderNow(String template, Locale locale, Map<String, ?> model, HttpServletRequest request,
                           HttpServletResponse response) throws Exception {
        View view = thymeleaf.resolveViewName(template, locale);
        if (view == null) {
            throw new IllegalStateException("no template " + template);
        }
        renders.incrementAndGet();
        StringWriter html = new StringWriter(16 * 1024);
        PrintWriter writer = new PrintWriter(html);
        view.render(model, request, new HttpServletResponseWrapper(response) {
            @Override
            public PrintWriter getWriter() {
                return writer;
            }
        });
        writer.flush();
        String contentType = response.getContentType() != null ? response.getContentType() : "text/html;charset=UTF-8";
        return new Copy(new HashMap<>(model), html.toString(), contentType);
    }

    /**
     * Not a page that carries a CSRF token, and not rendered while a session existed that the browser did not name by
     * cookie (the servlet container would then have written the session's id into the page's links).
     */
    private static boolean keepable(Copy copy, HttpServletRequest request) {
        if (copy.html().contains("_csrf")) {
            return false;
        }
        return request.getSession(false) == null || request.isRequestedSessionIdFromCookie();
    }
}
