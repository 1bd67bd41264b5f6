package io.kamiflow.notify;

import com.fasterxml.jackson.databind.JsonNode;

/** The one-line title and short text of an event, for Telegram and the admin mail (the owner's words, English). */
final class NotifyTexts {

    private NotifyTexts() {
    }

    static String title(JsonNode body) {
        JsonNode d = body.path("data");
        return switch (body.path("event").asText()) {
            case "order.paid" -> "Paid order " + d.path("orderNo").asText() + ": " + d.path("quantity").asText() + " x "
                    + d.path("sku").asText() + ", " + d.path("amount").asText() + " " + d.path("currency").asText();
            case "order.paid.hook" -> "Product hook for order " + d.path("orderNo").asText();
            case "stock.low" -> "Low stock: " + d.path("sku").asText() + " has " + d.path("available").asText()
                    + " keys left (threshold " + d.path("threshold").asText() + ")";
            case "task.overdue" -> "Task \"" + d.path("task").asText() + "\" waits for " + d.path("waitingMinutes").asText()
                    + " min" + (d.hasNonNull("orderNo") ? " (order " + d.path("orderNo").asText() + ")" : "");
            case "incident" -> "Incident at \"" + d.path("activity").asText() + "\""
                    + (d.hasNonNull("orderNo") ? " (order " + d.path("orderNo").asText() + ")" : "");
            case "invariant.violated" -> "Invariant violated: " + d.path("invariant").asText();
            default -> "Test notification";
        };
    }

    static String text(JsonNode body) {
        JsonNode d = body.path("data");
        String detail = switch (body.path("event").asText()) {
            case "incident" -> d.path("type").asText() + ": " + d.path("message").asText();
            case "invariant.violated" -> "Subjects: " + d.path("subjects");
            case "stock.low" -> "Import more keys in the back office.";
            default -> "";
        };
        return "[kamiflow] " + title(body) + (detail.isEmpty() ? "" : "\n" + detail);
    }
}
