package io.kamiflow.ordering;

import java.util.Map;

import io.kamiflow.web.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

/**
 * Checkout without a transaction across the gateway: the order (and its reservation) commits first, the trade is
 * then opened at the gateway with no transaction and no pooled connection held (its call is bounded: connect 5 s,
 * read 10 s), and what the gateway answered is stored in a short transaction of its own. A gateway that fails or
 * hangs costs only its own buyers a clear 502/503; their orders are cancelled and their keys back in stock at once.
 * Should this node die between the two, the order simply expires with its reservation (order-ttl).
 */
@Service
public class CheckoutService {

    private static final Logger log = LoggerFactory.getLogger(CheckoutService.class);

    /** @param discount what a coupon took off, null when none was used */
    public record Checkout(Order order, String accessToken, Map<String, Object> payment, io.kamiflow.catalog.Money discount) {
    }

    private final OrderPlacement placement;
    private final PaymentOptions channels;
    private final PayDetails payDetails;
    private final CheckoutGate gate;

    CheckoutService(OrderPlacement placement, PaymentOptions channels, PayDetails payDetails, CheckoutGate gate) {
        this.gate = gate;
        this.placement = placement;
        this.channels = channels;
        this.payDetails = payDetails;
    }

    public Checkout checkout(String sku, int quantity, String email, String channelId) {
        return checkout(sku, quantity, email, channelId, null);
    }

    /** @param clientAddress the buyer's address as Tomcat's RemoteIpValve yields it; null when not from HTTP */
    public Checkout checkout(String sku, int quantity, String email, String channelId, String clientAddress) {
        return checkout(sku, quantity, email, channelId, clientAddress, null);
    }

    /** @param language the storefront's language, for the key mail; null (API orders): English */
    public Checkout checkout(String sku, int quantity, String email, String channelId, String clientAddress,
                             java.util.Locale language) {
        return checkout(sku, quantity, email, channelId, clientAddress, language, null, null);
    }

    /**
     * @param coupon the buyer's coupon code, null or blank for none; the discount is computed here, never taken from the client
     * @param fields what the buyer filled in for a hand-fulfilled product (null: nothing)
     */
    public Checkout checkout(String sku, int quantity, String email, String channelId, String clientAddress,
                             java.util.Locale language, String coupon, Map<String, String> fields) {
        OrderPlacement.Placed placed = gate.through(() -> placement.place(sku, quantity, email, channelId, clientAddress,
                Order.language(language), coupon, fields));
        Order order = placed.order();
        Map<String, Object> payment;
        try {
            payment = channels.checkout(channelId, order, placed.product());
        } catch (RuntimeException failed) {
            throw abandon(order, failed);
        }
        payDetails.save(order.id(), payment); // shown again when the order page is reloaded
        return new Checkout(order, placed.accessToken(), payment, placed.discount());
    }

    /** Cancels the order whose trade did not open and tells the buyer so, keeping the gateway's status and reason. */
    private ErrorResponseException abandon(Order order, RuntimeException failed) {
        ErrorResponseException problem = failed instanceof ErrorResponseException answer ? answer
                : Problems.of(HttpStatus.BAD_GATEWAY, "the " + order.channel() + " gateway did not open the payment");
        if (!(failed instanceof ErrorResponseException)) {
            log.warn("order {}: opening the trade at {} failed", order.orderNo(), order.channel(), failed);
        }
        String reason = problem.getBody().getDetail();
        String outcome;
        try {
            outcome = placement.cancel(order.orderNo(), "checkout: " + reason)
                    ? "order " + order.orderNo() + " is cancelled and holds no keys"
                    : "order " + order.orderNo() + " was not cancelled";
        } catch (RuntimeException cancelFailed) { // the database is gone too: the order expires with its reservation
            log.warn("order {}: cancelling after the failed checkout failed too", order.orderNo(), cancelFailed);
            outcome = "order " + order.orderNo() + " will expire unpaid";
        }
        return Problems.of(HttpStatus.valueOf(problem.getStatusCode().value()),
                reason + "; " + outcome + ". Please try again or choose another payment method.");
    }
}
