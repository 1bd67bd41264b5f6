package io.kamiflow.fulfillment;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentChannels;
import io.kamiflow.web.Problems;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/admin/gateway-trades/unknown?since=<ISO instant>&channel=<id>}: the owner's command (the admin API
 * admits kamiflow-admin only) that finds the payments a gateway holds for orders this shop does not have, e.g. after a
 * restore (docs/operations.md, "Backup and restore"). 200 {checked, unknown, newlyFound}; 400 problem+json for a
 * missing or unparsable {@code since}, one in the future, or a channel that is off or cannot list its trades.
 */
@RestController
class UnknownTradeController {

    private final UnknownTrades unknownTrades;
    private final PaymentChannels channels;

    UnknownTradeController(UnknownTrades unknownTrades, PaymentChannels channels) {
        this.unknownTrades = unknownTrades;
        this.channels = channels;
    }

    @PostMapping("/api/admin/gateway-trades/unknown")
    UnknownTrades.Report check(@RequestParam(required = false) String since,
                               @RequestParam(required = false) String channel) {
        if (since == null || since.isBlank()) {
            throw Problems.badRequest("since (an ISO-8601 instant, e.g. 2026-12-05T14:00:00Z) is required");
        }
        Instant from;
        try {
            from = Instant.parse(since.trim());
        } catch (DateTimeParseException e) {
            throw Problems.badRequest("since must be an ISO-8601 instant such as 2026-12-05T14:00:00Z");
        }
        if (channel == null || channel.isBlank()) {
            throw Problems.badRequest("channel (e.g. sandbox) is required");
        }
        PaymentChannel gateway = channels.enabled(channel.trim())
                .orElseThrow(() -> Problems.badRequest("channel " + channel.trim() + " is unknown or off"));
        try {
            return unknownTrades.check(gateway, from);
        } catch (IllegalArgumentException e) {
            throw Problems.badRequest(e.getMessage());
        }
    }
}
