package io.kamiflow.security.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits per client address (the address Tomcat's RemoteIpValve yields: X-Forwarded-For only from internal
 * proxies). Each limit is a token bucket: {@code capacity} requests at once, refilled evenly over {@code period}.
 */
@ConfigurationProperties("kamiflow.rate-limit")
public class RateLimitProperties {

    public static class Limit {
        private int capacity;
        private Duration period;

        public Limit() {
        }

        Limit(int capacity, Duration period) {
            this.capacity = capacity;
            this.period = period;
        }

        public int getCapacity() {
            return capacity;
        }

        public void setCapacity(int capacity) {
            this.capacity = capacity;
        }

        public Duration getPeriod() {
            return period;
        }

        public void setPeriod(Duration period) {
            this.period = period;
        }
    }

    /**
     * Direct callers the buyer limits skip (the operator's own tools on the host; none under the prod profile); login
     * throttling skips nobody.
     */
    private List<String> exemptAddresses = new ArrayList<>(List.of("127.0.0.0/8", "::1"));
    private Limit checkout = new Limit(10, Duration.ofMinutes(1));
    private Limit lookup = new Limit(60, Duration.ofMinutes(1));
    /** The buy form's price quotes (debounced as the buyer types): a person needs a few dozen, a code guesser more. */
    private Limit quote = new Limit(30, Duration.ofMinutes(1));
    private Limit loginFailures = new Limit(10, Duration.ofMinutes(15));
    /** "Find my order" requests: each may send a mail. */
    private Limit findOrder = new Limit(5, Duration.ofMinutes(10));
    /** "Find my order" requests for one order number, from any address: what its buyer's mailbox receives at most. */
    private Limit findOrderPerOrder = new Limit(3, Duration.ofHours(1));
    /** "Find my orders" requests for one email address, from any address: the list links its mailbox receives at most. */
    private Limit findOrdersPerEmail = new Limit(3, Duration.ofHours(1));
    /** Unpaid orders holding reserved keys per client address (a NAT may hide a few buyers behind one). */
    private int maxOpenReservationsPerAddress = 10;
    /** How often expired bucket rows are deleted. */
    private Duration cleanupInterval = Duration.ofMinutes(10);

    public List<String> getExemptAddresses() {
        return exemptAddresses;
    }

    public void setExemptAddresses(List<String> exemptAddresses) {
        this.exemptAddresses = exemptAddresses;
    }

    public Limit getCheckout() {
        return checkout;
    }

    public void setCheckout(Limit checkout) {
        this.checkout = checkout;
    }

    public Limit getQuote() {
        return quote;
    }

    public void setQuote(Limit quote) {
        this.quote = quote;
    }

    public Limit getLookup() {
        return lookup;
    }

    public void setLookup(Limit lookup) {
        this.lookup = lookup;
    }

    public Limit getFindOrder() {
        return findOrder;
    }

    public void setFindOrder(Limit findOrder) {
        this.findOrder = findOrder;
    }

    public Limit getFindOrderPerOrder() {
        return findOrderPerOrder;
    }

    public void setFindOrderPerOrder(Limit findOrderPerOrder) {
        this.findOrderPerOrder = findOrderPerOrder;
    }

    public Limit getFindOrdersPerEmail() {
        return findOrdersPerEmail;
    }

    public void setFindOrdersPerEmail(Limit findOrdersPerEmail) {
        this.findOrdersPerEmail = findOrdersPerEmail;
    }

    public Limit getLoginFailures() {
        return loginFailures;
    }

    public void setLoginFailures(Limit loginFailures) {
        this.loginFailures = loginFailures;
    }

    public int getMaxOpenReservationsPerAddress() {
        return maxOpenReservationsPerAddress;
    }

    public void setMaxOpenReservationsPerAddress(int maxOpenReservationsPerAddress) {
        this.maxOpenReservationsPerAddress = maxOpenReservationsPerAddress;
    }

    public Duration getCleanupInterval() {
        return cleanupInterval;
    }

    public void setCleanupInterval(Duration cleanupInterval) {
        this.cleanupInterval = cleanupInterval;
    }
}
