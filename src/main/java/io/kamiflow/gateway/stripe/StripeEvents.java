package io.kamiflow.gateway.stripe;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Event;
import com.stripe.model.PaymentIntent;
import com.stripe.model.StripeObject;
import com.stripe.model.checkout.Session;
import io.kamiflow.catalog.Money;
import io.kamiflow.payment.PaymentNotice;

/**
 * Turns a verified Stripe event into a payment notice. The trade no is the PaymentIntent id, so
 * checkout.session.completed and payment_intent.succeeded of one payment are one payment row.
 * Empty for event types and objects that are not about a kamiflow order.
 */
final class StripeEvents {

    static final String ORDER_NO = "orderNo";

    private StripeEvents() {
    }

    /** @throws IllegalArgumentException when an event we handle lacks what it must carry */
    static Optional<PaymentNotice> toNotice(Event event, String payload) {
        return switch (event.getType()) {
            case "checkout.session.completed" -> fromSession(event, payload, false);
            case "checkout.session.async_payment_succeeded" -> fromSession(event, payload, true);
            case "payment_intent.succeeded" -> fromPaymentIntent(event, payload);
            default -> Optional.empty();
        };
    }

    private static Optional<PaymentNotice> fromSession(Event event, String payload, boolean paid) {
        Session session = object(event, Session.class);
        String orderNo = session.getClientReferenceId() != null ? session.getClientReferenceId()
                : metadata(session.getMetadata());
        if (orderNo == null) {
            return Optional.empty();
        }
        String tradeNo = session.getPaymentIntent() != null ? session.getPaymentIntent() : session.getId();
        boolean isPaid = paid || "paid".equals(session.getPaymentStatus());
        return Optional.of(new PaymentNotice(StripeChannel.ID, required(tradeNo, "payment_intent"), orderNo,
                money(session.getAmountTotal(), session.getCurrency()), isPaid,
                event.getType() + ":" + session.getPaymentStatus(), event.getId(), payload));
    }

    private static Optional<PaymentNotice> fromPaymentIntent(Event event, String payload) {
        PaymentIntent intent = object(event, PaymentIntent.class);
        String orderNo = metadata(intent.getMetadata());
        if (orderNo == null) {
            return Optional.empty();
        }
        return Optional.of(new PaymentNotice(StripeChannel.ID, required(intent.getId(), "id"), orderNo,
                money(intent.getAmountReceived(), intent.getCurrency()), true,
                event.getType() + ":" + intent.getStatus(), event.getId(), payload));
    }

    private static <T extends StripeObject> T object(Event event, Class<T> type) {
        StripeObject object = event.getDataObjectDeserializer().getObject().orElse(null);
        if (object == null) {
            // the event's API version differs from the SDK's: these fields are stable, read them anyway
            try {
                object = event.getDataObjectDeserializer().deserializeUnsafe();
            } catch (EventDataObjectDeserializationException e) {
                throw new IllegalArgumentException("data.object unreadable");
            }
        }
        if (!type.isInstance(object)) {
            throw new IllegalArgumentException("data.object is not a " + type.getSimpleName());
        }
        return type.cast(object);
    }

    private static String metadata(Map<String, String> metadata) {
        return metadata == null ? null : metadata.get(ORDER_NO);
    }

    private static Money money(Long minor, String currency) {
        if (minor == null || minor < 0 || currency == null) {
            throw new IllegalArgumentException("amount or currency missing");
        }
        return new Money(minor, currency.toUpperCase(Locale.ROOT));
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank() || value.length() > 128) {
            throw new IllegalArgumentException(name + " missing or too long");
        }
        return value;
    }
}
