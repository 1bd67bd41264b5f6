package io.kamiflow.storefront;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.web.util.HtmlUtils;

/**
 * The stock counts of a page kept by {@link RenderedPages}, as slots (issue 23): during a sale every checkout changes
 * the sale's count, and re-rendering the catalogue and product page for each was a third of their render CPU. The copy
 * is rendered from the page's shape, its model with each card's count text a marker (a random prefix unknown outside
 * this process, and the card's place) and the count itself reduced to "any left or not", which is all the templates'
 * logic reads; each request writes its own counts into the markers. A card that sells out changes the shape, so the
 * page renders anew (no buy form, "Sold out").
 */
final class StockSlots {

    private static final String PREFIX = "stock-" + UUID.randomUUID() + '-';
    private static final char END = '~';

    /** The model's shape, with the texts its markers stand for in {@code shown} (the n-th marker for the n-th text). */
    record Shape(Map<String, Object> model, List<String> shown) {
    }

    private StockSlots() {
    }

    static Shape of(Map<String, ?> model) {
        List<String> shown = new ArrayList<>();
        Map<String, Object> shape = new LinkedHashMap<>();
        model.forEach((name, value) -> shape.put(name, marked(value, shown)));
        return new Shape(shape, shown);
    }

    /** The html rendered from a shape with each marker replaced by its text (escaped, as Thymeleaf would have). */
    static String fill(String html, List<String> shown) {
        if (shown.isEmpty()) {
            return html;
        }
        StringBuilder out = new StringBuilder(html.length() + 8 * shown.size());
        int from = 0;
        int at;
        while ((at = html.indexOf(PREFIX, from)) >= 0) {
            int end = html.indexOf(END, at + PREFIX.length());
            int slot = Integer.parseInt(html, at + PREFIX.length(), end, 10);
            out.append(html, from, at).append(HtmlUtils.htmlEscape(shown.get(slot)));
            from = end + 1;
        }
        return out.append(html, from, html.length()).toString();
    }

    private static Object marked(Object value, List<String> shown) {
        if (value instanceof StorefrontController.ProductCard card) {
            shown.add(card.stock());
            return card.withStockMarker(PREFIX + (shown.size() - 1) + END);
        }
        if (value instanceof StorefrontController.CatalogGroup group) {
            return new StorefrontController.CatalogGroup(group.slug(), group.name(), group.products().stream()
                    .map(card -> (StorefrontController.ProductCard) marked(card, shown)).toList());
        }
        if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof StorefrontController.CatalogGroup) {
            return list.stream().map(group -> marked(group, shown)).toList();
        }
        return value;
    }
}
