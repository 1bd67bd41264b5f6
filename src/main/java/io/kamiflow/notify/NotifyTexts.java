package io.kamiflow.notify;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.MoneyFormat;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * The one-line title and short text of an event, for Telegram and the admin mail, from the message bundles
 * ({@code notifytexts.*}) in the target's language. Built from the event's stored body, which never holds a key value.
 */
@Component
class NotifyTexts {

    private final MessageSource messages;

    NotifyTexts(MessageSource messages) {
        this.messages = messages;
    }

    String title(JsonNode body, Locale locale) {
        JsonNode d = body.path("data");
        String order = d.hasNonNull("orderNo") ? t(locale, "notifytexts.ofOrder", d.path("orderNo").asText()) : "";
        return switch (body.path("event").asText()) {
            case "order.paid" -> t(locale, "notifytexts.paid", d.path("orderNo").asText(), d.path("quantity").asText(),
                    d.path("sku").asText(), money(d, locale));
            case "order.paid.hook" -> t(locale, "notifytexts.hook", d.path("orderNo").asText());
            case "stock.low" -> t(locale, "notifytexts.lowStock", d.path("sku").asText(), d.path("available").asText(),
                    d.path("threshold").asText());
            case "task.overdue" -> t(locale, "notifytexts.overdue", d.path("task").asText(),
                    d.path("waitingMinutes").asText()) + order;
            case "incident" -> t(locale, "notifytexts.incident", d.path("activity").asText()) + order;
            case "invariant.violated" -> t(locale, "notifytexts.invariant", d.path("invariant").asText());
            default -> t(locale, "notifytexts.test");
        };
    }

    String text(JsonNode body, Locale locale) {
        JsonNode d = body.path("data");
        String detail = switch (body.path("event").asText()) {
            case "incident" -> d.path("type").asText() + ": " + d.path("message").asText();
            case "invariant.violated" -> t(locale, "notifytexts.subjects", d.path("subjects").toString());
            case "stock.low" -> t(locale, "notifytexts.lowStock.todo");
            default -> "";
        };
        return "[kamiflow] " + title(body, locale) + (detail.isEmpty() ? "" : "\n" + detail);
    }

    /** The mail's last line, naming the event's id (what a webhook receiver dedupes on). */
    String eventLine(String id, Locale locale) {
        return t(locale, "notifytexts.event", id);
    }

    /** "¥14.40" in the target's language; as sent ("14.40 CNY") when it is not an amount this shop could write. */
    private static String money(JsonNode d, Locale locale) {
        String amount = d.path("amount").asText();
        String currency = d.path("currency").asText();
        try {
            return MoneyFormat.format(Money.parse(amount, currency), locale);
        } catch (RuntimeException notAnAmount) {
            return amount + " " + currency;
        }
    }

    private String t(Locale locale, String key, Object... args) {
        return messages.getMessage(key, args, locale);
    }
}
