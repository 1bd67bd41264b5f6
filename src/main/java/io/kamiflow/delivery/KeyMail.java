package io.kamiflow.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kamiflow.catalog.Markdown;
import io.kamiflow.ordering.OrderPrices;

/**
 * The buyer's key mail (templates/mail/keys.txt and keys.html): the keys, the product's usage notes in the order's
 * language (Markdown: as typed in the text part, rendered with HTML escaped and without images in the HTML part) and
 * the link to the order page, its token included; with the price paid, and the coupon's discount when one was used.
 */
record KeyMail(String orderNo, String productName, List<String> keys, String orderLink, Locale locale,
               String usageNotes, OrderPrices.Text price) {

    /** One key as the HTML part shows it: its pieces, each ending at a dash, where a phone's line may break. */
    record Key(String value, List<String> parts) {
    }

    MailTemplates.Rendered render(MailTemplates templates, ShopName shop) {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("orderNo", orderNo);
        variables.put("productName", productName);
        variables.put("quantity", keys.size());
        variables.put("keys", keys.stream().map(key -> new Key(key, parts(key))).toList());
        variables.put("orderLink", orderLink);
        variables.put("price", price);
        boolean notes = usageNotes != null && !usageNotes.isBlank();
        variables.put("notesText", notes ? usageNotes.strip() : null);
        variables.put("notesHtml", notes ? Markdown.mailHtml(usageNotes) : null);
        return templates.render("keys", locale, shop.name(locale), variables, orderNo);
    }

    static List<String> parts(String key) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int dash = key.indexOf('-'); dash >= 0; dash = key.indexOf('-', start)) {
            parts.add(key.substring(start, dash + 1));
            start = dash + 1;
        }
        if (start < key.length()) {
            parts.add(key.substring(start));
        }
        return parts;
    }
}
