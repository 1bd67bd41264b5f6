package io.kamiflow.payment.stripe;

import java.util.Locale;
import java.util.Map;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import io.kamiflow.catalog.Product;
import io.kamiflow.ops.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentInstructions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Stripe: checkout creates a Checkout Session through stripe-java (its base URL is configurable, so tests talk
 * to a local fake) and answers its hosted-page URL. The order no travels as client_reference_id and as
 * metadata on both the session and its PaymentIntent, so every event type finds the order.
 */
@Component
class StripeChannel implements PaymentChannel {

    static final String ID = "stripe";
    private static final Logger log = LoggerFactory.getLogger(StripeChannel.class);

    private final StripeProperties properties;
    private final StripeClient client;

    StripeChannel(StripeProperties properties) {
        this.properties = properties;
        this.client = properties.enabled() && properties.apiKey() != null && !properties.apiKey().isBlank()
                ? StripeClient.builder().setApiKey(properties.apiKey()).setApiBase(properties.apiBase())
                .setMaxNetworkRetries(2).build()
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
        } catch (StripeException e) {
            log.warn("stripe checkout failed for order {}: {} {}", order.orderNo(), e.getStatusCode(), e.getCode());
            throw Problems.of(HttpStatus.BAD_GATEWAY, "stripe did not create a checkout session");
        }
        return PaymentInstructions.of(ID, order).with("sessionId", session.getId()).with("payUrl", session.getUrl()).toMap();
    }
}
