package io.kamiflow.payment;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kamiflow.catalog.Product;
import io.kamiflow.db.NoTransaction;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.PaymentOptions;
import org.springframework.stereotype.Component;

/** The configured channels, by id; checkout and expiry see them as {@link PaymentOptions}. */
@Component
public class PaymentChannels implements PaymentOptions {

    private final List<PaymentChannel> channels;

    PaymentChannels(List<PaymentChannel> channels) {
        this.channels = channels;
    }

    public Optional<PaymentChannel> enabled(String id) {
        return channels.stream().filter(c -> c.id().equals(id) && c.enabled()).findFirst();
    }

    /** Any configured channel by id, enabled or not (refunds of old payments still need it). */
    public Optional<PaymentChannel> byId(String id) {
        return channels.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** Every channel kamiflow knows, on or off, by id. */
    public List<PaymentChannel> all() {
        return channels.stream().sorted(java.util.Comparator.comparing(PaymentChannel::id)).toList();
    }

    @Override
    public List<String> enabledIds() {
        return channels.stream().filter(PaymentChannel::enabled).map(PaymentChannel::id).sorted().toList();
    }

    @Override
    public boolean isEnabled(String channelId) {
        return enabled(channelId).isPresent();
    }

    @Override
    public Map<String, Object> checkout(String channelId, Order order, Product product) {
        NoTransaction.require("opening a trade at " + channelId);
        return enabled(channelId).orElseThrow(() -> new IllegalStateException("channel " + channelId + " is off"))
                .checkout(order, product);
    }

    @Override
    public boolean closesTrades(String channelId) {
        return byId(channelId).filter(PaymentChannel::supportsClose).isPresent();
    }
}
