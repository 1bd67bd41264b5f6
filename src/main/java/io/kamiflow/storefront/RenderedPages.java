package io.kamiflow.storefront;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.ViewResolver;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * Storefront pages kept as rendered, per template and language, while their model stays equal (issue 23: during a
 * flash sale the Thymeleaf render was the largest share of the pages' CPU, and the catalogue is the same page for
 * every buyer). The model is the key: the copy is served only when every value the template reads (the cards,
 * names, images, the announcement, the language links) equals what it was rendered from, so a catalogue change shows
 * as soon as the model shows it, with no invalidation to forget. Stock counts, which a sale changes with every
 * checkout, are slots the copy leaves open and each request fills ({@link StockSlots}). Only for pages that read
 * nothing but their model, the language and the request's CSRF token: the token is kept out of the copy (a marker
 * unknown outside this process stands in its place) and each request's own is written in, so every buyer posts with
 * theirs; a page that names {@code _csrf} without the request's token in it is never kept, nor one rendered while a
 * session existed that its links could carry.
 */
@Component
class RenderedPages {

    /** @param csrf whether the html holds {@link #CSRF_MARKER} where the request's CSRF token goes */
    private record Copy(Map<String, Object> model, String html, String contentType, boolean csrf) {
    }

    private static final String HTML = "text/html;charset=UTF-8";
    private static final int MAX_COPIES = 2_000;
    private static final String CSRF_MARKER = "csrf-" + UUID.randomUUID();

    private final ViewResolver thymeleaf;
    private final ConcurrentHashMap<String, Copy> copies = new ConcurrentHashMap<>();
    private final AtomicLong renders = new AtomicLong();

    RenderedPages(@Qualifier("thymeleafViewResolver") ViewResolver thymeleaf) {
        this.thymeleaf = thymeleaf;
    }

    /**
     * The template's page, rendered or served from the copy rendered from an equal model.
     *
     * @param variant which of the template's pages (a product's sku; "" for the catalogue): each keeps its own copy
     */
    View page(String template, String variant) {
        return new View() {
            @Override
            public String getContentType() {
                return HTML;
            }

            @Override
            public void render(Map<String, ?> model, HttpServletRequest request, HttpServletResponse response) throws Exception {
                Locale locale = RequestContextUtils.getLocale(request);
                String key = template + '|' + variant + '|' + locale.toLanguageTag();
                CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
                StockSlots.Shape shape = StockSlots.of(model);
                Copy copy = copies.get(key);
                String html;
                if (copy != null && copy.model().equals(shape.model()) && (!copy.csrf() || csrf != null)) {
                    html = copy.csrf() ? copy.html().replace(CSRF_MARKER, csrf.getToken()) : copy.html();
                } else {
                    copy = renderNow(template, locale, shape.model(), request, response);
                    html = copy.html();
                    Copy kept = keepable(copy, request, csrf);
                    if (kept != null) {
                        if (copies.size() >= MAX_COPIES) {
                            copies.clear(); // products come and go: a shop's pages are far fewer than this
                        }
                        copies.put(key, kept);
                    }
                }
                response.setContentType(copy.contentType());
                response.getWriter().write(StockSlots.fill(html, shape.shown()));
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
        String contentType = response.getContentType() != null ? response.getContentType() : HTML;
        return new Copy(new HashMap<>(model), html.toString(), contentType, false);
    }

    /**
     * The copy to keep, its CSRF token replaced by the marker, or null: not when rendered while a session existed that
     * the browser did not name by cookie (the servlet container would have written its id into the page's links), nor
     * when the page names {@code _csrf} but the request's token is not in it.
     */
    private static Copy keepable(Copy rendered, HttpServletRequest request, CsrfToken csrf) {
        if (request.getSession(false) != null && !request.isRequestedSessionIdFromCookie()) {
            return null;
        }
        if (!rendered.html().contains("_csrf")) {
            return rendered;
        }
        // the page's form asked for the token while rendering, so asking again costs nothing and creates nothing
        String token = csrf == null ? null : csrf.getToken();
        if (token == null || token.length() < 16 || !rendered.html().contains(token)) {
            return null;
        }
        String html = rendered.html().replace(token, CSRF_MARKER);
        return new Copy(rendered.model(), html, rendered.contentType(), true);
    }
}
