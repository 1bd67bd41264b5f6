package io.kamiflow.delivery;

import java.util.List;

import org.springframework.web.util.HtmlUtils;

/** The buyer's key mail, as text and as HTML, with the link to the order page (its token included). */
record KeyMail(String shopName, String orderNo, String productName, List<String> keys, String orderLink) {

    String subject() {
        return "[" + shopName + "] Your keys for order " + orderNo;
    }

    String text() {
        StringBuilder text = new StringBuilder("Thank you for your order ").append(orderNo).append(".\n\n")
                .append(productName).append(" x ").append(keys.size()).append(":\n\n");
        keys.forEach(key -> text.append("  ").append(key).append('\n'));
        return text.append("\nYour order page (bookmark it; the link is your access, do not share it):\n").append(orderLink)
                .append("\n\nKeep this mail: the keys are yours alone.\n").toString();
    }

    String html() {
        StringBuilder html = new StringBuilder("<html><body style=\"font-family:sans-serif\">")
                .append("<p>Thank you for your order <b>").append(HtmlUtils.htmlEscape(orderNo)).append("</b>.</p>")
                .append("<p>").append(HtmlUtils.htmlEscape(productName)).append(" &times; ").append(keys.size()).append("</p><ol>");
        keys.forEach(key -> html.append("<li><code>").append(HtmlUtils.htmlEscape(key)).append("</code></li>"));
        String link = HtmlUtils.htmlEscape(orderLink);
        return html.append("</ol><p>Your order page (bookmark it; the link is your access, do not share it): <a href=\"")
                .append(link).append("\">").append(link).append("</a></p>")
                .append("<p>Keep this mail: the keys are yours alone.</p></body></html>").toString();
    }
}
