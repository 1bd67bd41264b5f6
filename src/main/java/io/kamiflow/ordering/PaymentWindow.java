package io.kamiflow.ordering;

import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * How long an order may stay unpaid, and so how long its reserved keys are held: {@code kamiflow.fulfillment.order-ttl}
 * (the property keeps the name it had while the process settings held it). Checkout, the gateways' trade deadlines
 * and "Expire unpaid orders" all read it here.
 */
@Component
@ConfigurationProperties("kamiflow.fulfillment")
public class PaymentWindow {

    private Duration orderTtl = Duration.ofMinutes(15);

    /** When an order stops being payable: created_at + order-ttl (the moment order-expiry expires it). */
    public Instant expiresAt(Order order) {
        return order.createdAt().toInstant().plus(orderTtl);
    }

    public Duration getOrderTtl() {
        return orderTtl;
    }

    public void setOrderTtl(Duration orderTtl) {
        this.orderTtl = orderTtl;
    }
}
