package io.kamiflow.payment;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

@Component
public class PaymentChannels {

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

    public List<String> enabledIds() {
        return channels.stream().filter(PaymentChannel::enabled).map(PaymentChannel::id).sorted().toList();
    }
}
