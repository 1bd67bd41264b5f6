package io.kamiflow.storefront;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderStatus;
import io.kamiflow.ordering.PayDetails;
import io.kamiflow.ordering.PaymentWindow;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What the order page shows around the order itself: when it was placed, until when it can be paid (the countdown's
 * deadline, from the server's clock), the pay details again after a reload, and where "buy again" leads.
 */
@Component
class OrderPageDetails {

    private final PaymentWindow window;
    private final PayDetails payDetails;

    OrderPageDetails(PaymentWindow window, PayDetails payDetails) {
        this.window = window;
        this.payDetails = payDetails;
    }

    /** A key in pieces that each end at a dash ("AB-", "CD"): the page lets it wrap only between them. */
    static List<String> pieces(String key) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int dash = key.indexOf('-'); dash >= 0; dash = key.indexOf('-', dash + 1)) {
            pieces.add(key.substring(start, dash + 1));
            start = dash + 1;
        }
        if (start < key.length()) {
            pieces.add(key.substring(start));
        }
        // a piece of one or two characters ("A-", a last "B") stays with its neighbour: no line holds so little
        List<String> joined = new ArrayList<>();
        for (String piece : pieces) {
            int last = joined.size() - 1;
            if (last >= 0 && (joined.get(last).length() <= 2 || piece.length() <= 2)) {
                joined.set(last, joined.get(last) + piece);
            } else {
                joined.add(piece);
            }
        }
        return joined;
    }

    void addTo(Model model, Order order, Product product, List<String> keys) {
        model.addAttribute("keyPieces", keys.stream().map(OrderPageDetails::pieces).toList());
        Instant created = order.createdAt().toInstant();
        model.addAttribute("createdIso", PageTimes.iso(created));
        model.addAttribute("createdText", PageTimes.text(created));
        if (order.status() == OrderStatus.PENDING_PAYMENT) {
            Instant deadline = window.expiresAt(order);
            model.addAttribute("deadlineIso", PageTimes.iso(deadline));
            model.addAttribute("deadlineText", PageTimes.text(deadline));
            // the seconds left by the server's clock: the countdown never trusts the browser's
            model.addAttribute("secondsLeft", Math.max(0, Duration.between(Instant.now(), deadline).toSeconds()));
            if (!(model.getAttribute("payment") instanceof Map<?, ?>)) { // a reload: the checkout's answer is gone
                Map<String, Object> kept = payDetails.of(order.id());
                if (!kept.isEmpty()) {
                    model.addAttribute("payment", kept);
                }
            }
        }
        if (order.status() == OrderStatus.EXPIRED || order.status() == OrderStatus.CANCELLED) {
            model.addAttribute("buyAgain", product.active() ? UriComponentsBuilder.fromPath("/products/{sku}")
                    .queryParam("quantity", order.quantity()).buildAndExpand(product.sku()).encode().toUriString() : null);
        }
    }
}
