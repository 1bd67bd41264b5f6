package io.kamiflow.payment;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long any call to a payment gateway may take, for every channel's HTTP client: a buyer waits on checkout's
 * call, and the gateway-task worker's threads and locks on the others (README, "Gateway calls"). No client retries
 * on its own: a failed checkout is the buyer's to repeat, a failed job step the worker's.
 */
@ConfigurationProperties("kamiflow.payment.http")
public record GatewayTimeouts(@DefaultValue("5s") Duration connectTimeout, @DefaultValue("10s") Duration readTimeout) {

    public GatewayTimeouts {
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("kamiflow.payment.http timeouts must be positive (0 would mean forever)");
        }
    }

    /** The most one call may take from first byte out to last byte in: connect plus read. */
    public Duration callTimeout() {
        return connectTimeout.plus(readTimeout);
    }
}
