package io.kamiflow.delivery;

import java.util.List;
import java.util.Locale;

import io.kamiflow.catalog.Markdown;
import org.springframework.web.util.HtmlUtils;

/**
 * The buyer's key mail, as text and as HTML, with the link to the order page (its token included), in the language
 * the buyer used at checkout (English or Simplified Chinese), and the product's usage notes in that language if it
 * has any (Markdown: as typed in the text part, rendered with HTML escaped in the HTML part).
 */
record KeyMail(String shopName, String orderNo, String productName, List<String> keys, String orderLink, Locale locale,
               String usageNotes) {

    private boolean chinese() {
        return locale != null && "zh".equals(locale.getLanguage());
    }

    private boolean hasNotes() {
        return usageNotes != null && !usageNotes.isBlank();
    }

    String subject() {
        return "[" + shopName + "] " + (chinese() ? "订单 " + orderNo + " 的卡密" : "Your keys for order " + orderNo);
    }

    String text() {
        StringBuilder text = new StringBuilder(chinese() ? "感谢您的订单 " + orderNo + "。\n\n"
                : "Thank you for your order " + orderNo + ".\n\n")
                .append(productName).append(" x ").append(keys.size()).append(":\n\n");
        keys.forEach(key -> text.append("  ").append(key).append('\n'));
        if (hasNotes()) {
            text.append('\n').append(chinese() ? "使用说明：" : "How to use your keys:").append("\n\n")
                    .append(usageNotes.strip()).append('\n');
        }
        return text.append(chinese() ? "\n您的订单页（请收藏；此链接即您的访问凭证，请勿分享）：\n"
                        : "\nYour order page (bookmark it; the link is your access, do not share it):\n").append(orderLink)
                .append(chinese() ? "\n\n请保留此邮件：卡密仅属于您。\n" : "\n\nKeep this mail: the keys are yours alone.\n")
                .toString();
    }

    String html() {
        StringBuilder html = new StringBuilder("<html><body style=\"font-family:sans-serif\">")
                .append(chinese() ? "<p>感谢您的订单 <b>" : "<p>Thank you for your order <b>")
                .append(HtmlUtils.htmlEscape(orderNo)).append(chinese() ? "</b>。</p>" : "</b>.</p>")
                .append("<p>").append(HtmlUtils.htmlEscape(productName)).append(" &times; ").append(keys.size()).append("</p><ol>");
        keys.forEach(key -> html.append("<li><code>").append(HtmlUtils.htmlEscape(key)).append("</code></li>"));
        html.append("</ol>");
        if (hasNotes()) {
            html.append("<h3>").append(chinese() ? "使用说明" : "How to use your keys").append("</h3>")
                    .append(Markdown.html(usageNotes));
        }
        String link = HtmlUtils.htmlEscape(orderLink);
        return html.append(chinese() ? "<p>您的订单页（请收藏；此链接即您的访问凭证，请勿分享）：<a href=\""
                        : "<p>Your order page (bookmark it; the link is your access, do not share it): <a href=\"")
                .append(link).append("\">").append(link).append("</a></p>")
                .append(chinese() ? "<p>请保留此邮件：卡密仅属于您。</p>" : "<p>Keep this mail: the keys are yours alone.</p>")
                .append("</body></html>").toString();
    }
}
