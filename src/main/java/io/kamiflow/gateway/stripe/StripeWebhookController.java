package io.kamiflow.gateway.stripe;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import io.kamiflow.payment.PaymentNotice;
import io.kamiflow.payment.PaymentRecorder;
import io.kamiflow.web.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stripe's webhook. stripe-java verifies the Stripe-Signature header (HMAC, 300 s tolerance) over the raw body
 * before anything is read from it. Every verified event is acknowledged with 2xx, including types and orders
 * that are not ours (Stripe would only retry them); an unverifiable one gets 400.
 */
@RestController
class StripeWebhookController {

    private static final Logger log = LoggerFactory.getLogger(StripeWebhookController.class);

    private final StripeProperties properties;
    private final PaymentRecorder recorder;

    StripeWebhookController(StripeProperties properties, PaymentRecorder recorder) {
        this.properties = properties;
        this.recorder = recorder;
    }

    @PostMapping(path = "/api/payments/stripe/webhook", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> webhook(@RequestBody(required = false) byte[] body,
                                   @RequestHeader(name = "Stripe-Signature", required = false) String signature) {
        if (!properties.enabled()) {
            return reply(HttpStatus.NOT_FOUND, "{\"error\":\"not found\"}");
        }
        if (body == null || signature == null) {
            return reject(null, "body or Stripe-Signature missing");
        }
        String payload = new String(body, StandardCharsets.UTF_8);
        Event event;
        try {
            event = Webhook.constructEvent(payload, signature, properties.webhookSecret(), properties.toleranceSeconds());
        } catch (SignatureVerificationException e) {
            return reject(null, "bad or stale signature");
        } catch (RuntimeException e) {
            // gson's parse errors (a runtime-only dependency) and the SDK's IllegalArgumentException
            return reject(null, "signed but malformed event");
        }
        Optional<PaymentNotice> notice;
        try {
            notice = StripeEvents.toNotice(event, payload);
        } catch (IllegalArgumentException e) {
            return reject(null, "event " + LogSafe.of(event.getId()) + ": " + e.getMessage());
        }
        if (notice.isEmpty()) {
            return reply(HttpStatus.OK, "{\"received\":true}");
        }
        if (notice.get().orderNo().length() > 32) {
            return reject(notice.get().orderNo(), "order no too long");
        }
        PaymentRecorder.Outcome outcome = recorder.record(notice.get());
        if (outcome == PaymentRecorder.Outcome.UNKNOWN_ORDER) {
            log.warn("stripe event {} for unknown order {} acknowledged and ignored",
                    LogSafe.of(event.getId()), LogSafe.of(notice.get().orderNo()));
        }
        return reply(HttpStatus.OK, "{\"received\":true}");
    }

    private static ResponseEntity<String> reject(String orderNo, String why) {
        log.warn("stripe webhook rejected (order {}): {}", LogSafe.of(orderNo), why);
        return reply(HttpStatus.BAD_REQUEST, "{\"error\":\"rejected\"}");
    }

    private static ResponseEntity<String> reply(HttpStatus status, String json) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(json);
    }
}
