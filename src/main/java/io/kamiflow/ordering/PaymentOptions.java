package io.kamiflow.ordering;

import java.util.List;
import java.util.Map;

import io.kamiflow.catalog.Product;

/**
 * The payment channels as checkout and expiry need them. Implemented by payment's {@code PaymentChannels}: payment
 * works on orders, so ordering names what it needs here and the arrow between the two rooms points one way.
 */
public interface PaymentOptions {

    boolean isEnabled(String channelId);

    /** The ids of the enabled channels, sorted. */
    List<String> enabledIds();

    /**
     * Opens the trade at the channel's gateway: the channel-specific part of the checkout answer (payUrl, QR code...).
     * Called with no transaction open (the order is committed); a failure is a problem answer (502 refused, 503 not
     * answered in time) the buyer sees.
     */
    Map<String, Object> checkout(String channelId, Order order, Product product);

    /** Whether an expired order's trade must be closed at this channel's gateway. */
    boolean closesTrades(String channelId);
}
