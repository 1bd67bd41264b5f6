package io.kamiflow.gateway.stripe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentSearchParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.RefundListParams;
import com.stripe.param.checkout.SessionCreateParams;
import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.PaymentWindow;
import io.kamiflow.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.payment.GatewayTimeouts;
import io.kamiflow.payment.Payment;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentInstructions;
import io.kamiflow.payment.PaymentNotice;
import io.kamiflow.payment.RefundResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Stripe: checkout creates a Checkout Session through stripe-java (its base URL is configurable, so tests talk
 * to a local fake) and answers its hosted-page URL. The order no travels as client_reference_id and as
 * metadata on both the session and its PaymentIntent, so every event type finds the order. Refunds go through
 * the Refunds API (the refund's request id as idempotency key); the query searches PaymentIntents by that metadata.
 */
@Component
class StripeChannel implements PaymentChannel {

    static final String ID = "stripe";
    private static final Logger log = LoggerFactory.getLogger(StripeChannel.class);
    private static final Duration STRIPE_MIN_SESSION = Duration.ofMinutes(30);
    private static final int REFUND_CONNECT_TIMEOUT_MS = 5_000;
    private static final int REFUND_READ_TIMEOUT_MS = 10_000;

    private final StripeProperties properties;
    private final StripeClient client;
    private final PaymentWindow settings;
    private final OrderRepository orders;

    StripeChannel(StripeProperties properties, PaymentWindow settings, OrderRepository orders, GatewayTimeouts timeouts) {
        this.properties = properties;
        this.settings = settings;
        this.orders = orders;
        // stripe-java's defaults (30 s connect, 80 s read, retries) would keep a buyer waiting minutes on a hanging API
        this.client = properties.enabled() && properties.apiKey() != null && !properties.apiKey().isBlank()
                ? StripeClient.builder().setApiKey(properties.apiKey()).setApiBase(properties.apiBase())
                .setConnectTimeout(Math.toIntExact(timeouts.connectTimeout().toMillis()))
                .setReadTimeout(Math.toIntExact(timeouts.readTimeout().toMillis()))
                .setMaxNetworkRetries(0).build()
                : null;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
    }

    @Override
    public List<String> missingSettings() {
        return properties.missing();
    }

    @Override
    public String notifyPath() {
        return "/api/payments/stripe/webhook";
    }

    @Override
    public Map<String, Object> checkout(Order order, Product product) {
        if (client == null) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "stripe checkout needs kamiflow.payment.stripe.api-key");
        }
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setClientReferenceId(order.orderNo())
                .putMetadata(StripeEvents.ORDER_NO, order.orderNo())
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                        .putMetadata(StripeEvents.ORDER_NO, order.orderNo()).build())
                .setCustomerEmail(order.buyerEmail())
                .setSuccessUrl(properties.successUrl())
                .setCancelUrl(properties.cancelUrl())
                .setExpiresAt(sessionExpiry(order).getEpochSecond())
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setQuantity(1L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency(order.amount().currency().toLowerCase(Locale.ROOT))
                                .setUnitAmount(order.amount().minor())
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName(order.quantity() + " x " + product.name()).build())
                                .build())
                        .build())
                .build();
        Session session;
        try {
            // one session per order even if this request is retried
            session = client.v1().checkout().sessions().create(params,
                    RequestOptions.builder().setIdempotencyKey("kamiflow-checkout-" + order.orderNo()).build());
        } catch (ApiConnectionException e) { // no answer within the timeouts, or no connection
            log.warn("stripe checkout for order {} got no answer: {}", order.orderNo(), e.getClass().getSimpleName());
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "stripe did not answer in time");
        } catch (StripeException e) {
            log.warn("stripe checkout failed for order {}: {} {}", order.orderNo(), e.getStatusCode(), e.getCode());
            throw Problems.of(HttpStatus.BAD_GATEWAY, "stripe did not create a checkout session");
        }
        // what the close at expiry needs, in a short transaction of its own (checkout holds none across the call)
        orders.recordGatewayReference(order.id(), session.getId());
        return PaymentInstructions.of(ID, order).with("sessionId", session.getId()).with("payUrl", session.getUrl()).toMap();
    }

    /**
     * Stripe takes expires_at only 30 minutes to 24 hours after the session's creation. The order's own expiry
     * (typically 15 minutes) is usually earlier: then the earliest Stripe accepts, plus a minute for the request's
     * transit and clock skew; the session is expired through the API when the order expires anyway.
     */
    private Instant sessionExpiry(Order order) {
        Instant now = Instant.now();
        Instant earliest = now.plus(STRIPE_MIN_SESSION).plus(Duration.ofMinutes(1));
        Instant latest = now.plus(Duration.ofHours(24)).minus(Duration.ofMinutes(1));
        Instant wanted = settings.expiresAt(order);
        return wanted.isBefore(earliest) ? earliest : wanted.isAfter(latest) ? latest : wanted;
    }

    @Override
    public boolean supportsClose() {
        return client != null;
    }

    /**
     * Expires the order's Checkout Session. Stripe refuses that for a session that is no longer open: then the
     * session says whether it completed (paid, or an async payment underway: its webhook brings it) or expired.
     */
    @Override
    public CloseOutcome close(Order order) {
        String sessionId = orders.gatewayReference(order.orderNo()).orElse(null);
        if (sessionId == null) {
            // checkout stores the session before it answers the buyer: none on record, no pay URL ever reached them
            log.info("order {} has no stripe checkout session on record: nothing the buyer could pay", order.orderNo());
            return CloseOutcome.CLOSED;
        }
        try {
            client.v1().checkout().sessions().expire(sessionId);
            return CloseOutcome.CLOSED;
        } catch (ApiConnectionException silent) {
            throw new IllegalStateException("stripe did not answer the expiry of the session of order " + order.orderNo());
        } catch (StripeException refused) {
            Session session;
            try {
                session = client.v1().checkout().sessions().retrieve(sessionId);
            } catch (StripeException e) {
                throw new IllegalStateException("stripe did not expire or show the session of order " + order.orderNo()
                        + " (" + e.getStatusCode() + " " + e.getCode() + ")");
            }
            return switch (String.valueOf(session.getStatus())) {
                case "expired" -> CloseOutcome.CLOSED;
                case "complete" -> CloseOutcome.ALREADY_PAID;
                default -> throw new IllegalStateException("stripe refused to expire the session of order "
                        + order.orderNo() + " (" + refused.getStatusCode() + " " + refused.getCode() + ")");
            };
        }
    }

    @Override
    public boolean supportsRefund() {
        return client != null;
    }

    /**
     * A full refund of the PaymentIntent (our trade no) under the refund's request id as idempotency key, so a
     * repeated call gets Stripe's stored answer instead of a second refund. A PaymentIntent refunded before under
     * another key (e.g. in the dashboard) answers that refund. Failed or canceled refunds throw; pending ones
     * (and requires_action) settle later and are followed up with {@link #checkRefund}.
     */
    @Override
    public RefundResult refund(Payment payment, String requestId, String reason) {
        RefundCreateParams params = RefundCreateParams.builder()
                .setPaymentIntent(payment.tradeNo())
                .setAmount(payment.amount().minor())
                .putMetadata(StripeEvents.ORDER_NO, payment.orderNo())
                .putMetadata("kamiflowPaymentId", Long.toString(payment.id()))
                .build();
        Refund refund;
        try {
            refund = client.v1().refunds().create(params, bounded().setIdempotencyKey(requestId).build());
        } catch (StripeException e) {
            if ("charge_already_refunded".equals(e.getCode())) {
                return RefundResult.succeeded(earlierRefund(payment));
            }
            throw new IllegalStateException("stripe refused the refund of payment " + payment.id() + " ("
                    + e.getStatusCode() + " " + e.getCode() + ")");
        }
        if ("failed".equals(refund.getStatus()) || "canceled".equals(refund.getStatus())) {
            throw new IllegalStateException("stripe refund " + refund.getId() + " of payment " + payment.id() + " is "
                    + refund.getStatus() + " (" + refund.getFailureReason() + ")");
        }
        log.info("stripe refund {} of payment {} is {}", refund.getId(), payment.id(), refund.getStatus());
        return "succeeded".equals(refund.getStatus()) ? RefundResult.succeeded(refund.getId())
                : RefundResult.processing(refund.getId());
    }

    /** The refund as Stripe has it now: succeeded, still pending (or requires_action), or failed/canceled. */
    @Override
    public RefundResult checkRefund(Payment payment, String requestId, String reference) {
        Refund refund;
        try {
            refund = client.v1().refunds().retrieve(reference, bounded().build());
        } catch (StripeException e) {
            throw new IllegalStateException("stripe did not answer the refund of payment " + payment.id() + " ("
                    + e.getStatusCode() + " " + e.getCode() + ")");
        }
        if (refund == null || refund.getStatus() == null || !payment.tradeNo().equals(refund.getPaymentIntent())) {
            throw new IllegalStateException("stripe answered refund " + reference + " of payment " + payment.id()
                    + " without its status or for another PaymentIntent");
        }
        log.info("stripe refund {} of payment {} is {}", refund.getId(), payment.id(), refund.getStatus());
        return switch (refund.getStatus()) {
            case "succeeded" -> RefundResult.succeeded(refund.getId());
            case "failed", "canceled" -> RefundResult.failed(refund.getId(), refund.getStatus());
            default -> RefundResult.processing(refund.getId());
        };
    }

    /**
     * Refund calls run outside any transaction and their process retries them: bounded time and no retries of
     * stripe-java's own (the client's defaults are 30 s connect, 80 s read, and its retries).
     */
    private static RequestOptions.RequestOptionsBuilder bounded() {
        return RequestOptions.builder().setConnectTimeout(REFUND_CONNECT_TIMEOUT_MS).setReadTimeout(REFUND_READ_TIMEOUT_MS)
                .setMaxNetworkRetries(0);
    }

    private String earlierRefund(Payment payment) {
        try {
            return client.v1().refunds().list(RefundListParams.builder().setPaymentIntent(payment.tradeNo()).build(),
                            bounded().build())
                    .getData().stream()
                    .filter(r -> !"failed".equals(r.getStatus()) && !"canceled".equals(r.getStatus()))
                    .map(Refund::getId).findFirst()
                    .orElseThrow(() -> new IllegalStateException("stripe says payment " + payment.id()
                            + " was refunded but lists no live refund"));
        } catch (StripeException e) {
            throw new IllegalStateException("stripe did not list the refunds of payment " + payment.id() + " ("
                    + e.getStatusCode() + " " + e.getCode() + ")");
        }
    }

    @Override
    public boolean supportsQuery() {
        return client != null;
    }

    /**
     * Searches the succeeded PaymentIntent that checkout tagged with the order no. Its id is the trade no the
     * webhook records, so a late webhook and this query are one payment.
     */
    @Override
    public Optional<PaymentNotice> query(Order order) {
        PaymentIntentSearchParams params = PaymentIntentSearchParams.builder()
                .setQuery("metadata['" + StripeEvents.ORDER_NO + "']:'" + order.orderNo() + "' AND status:'succeeded'")
                .setLimit(1L)
                .build();
        PaymentIntent intent;
        try {
            intent = client.v1().paymentIntents().search(params).getData().stream()
                    .filter(pi -> "succeeded".equals(pi.getStatus())
                            && order.orderNo().equals(pi.getMetadata() == null ? null : pi.getMetadata().get(StripeEvents.ORDER_NO)))
                    .findFirst().orElse(null);
        } catch (StripeException e) {
            throw new IllegalStateException("stripe payment intent search failed for order " + order.orderNo() + " ("
                    + e.getStatusCode() + " " + e.getCode() + ")");
        }
        if (intent == null || intent.getAmountReceived() == null || intent.getCurrency() == null) {
            return Optional.empty();
        }
        return Optional.of(new PaymentNotice(ID, intent.getId(), order.orderNo(),
                new Money(intent.getAmountReceived(), intent.getCurrency().toUpperCase(Locale.ROOT)), true,
                "query:" + intent.getStatus(), null, "payment_intents/search: " + intent.getId() + " " + intent.getStatus()
                + " " + intent.getAmountReceived() + " " + intent.getCurrency()));
    }
}
