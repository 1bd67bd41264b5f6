package io.kamiflow.gateway.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.kamiflow.catalog.Money;
import io.kamiflow.payment.NotifyFields;
import io.kamiflow.payment.PaymentNotice;
import io.kamiflow.payment.PaymentRecorder;
import io.kamiflow.web.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sandbox gateway's notify endpoint. Everything is checked before anything is written:
 * a rejected notice answers 4xx {@code fail} and leaves the database as it was.
 */
@RestController
class SandboxNotifyController {

    private static final Logger log = LoggerFactory.getLogger(SandboxNotifyController.class);
    private static final List<String> REQUIRED = List.of("orderNo", "tradeNo", "amount", "currency", "status", "timestamp", "sign");

    private final SandboxProperties properties;
    private final PaymentRecorder recorder;

    SandboxNotifyController(SandboxProperties properties, PaymentRecorder recorder) {
        this.properties = properties;
        this.recorder = recorder;
    }

    @PostMapping(path = "/api/payments/sandbox/notify", produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> notify(@RequestParam MultiValueMap<String, String> form) {
        if (!properties.enabled()) {
            return reply(HttpStatus.NOT_FOUND, "fail");
        }
        Map<String, String> fields;
        try {
            fields = NotifyFields.parse(form, REQUIRED);
        } catch (IllegalArgumentException e) {
            return reject(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        if (!SandboxSignature.verify(fields, fields.get("sign"), properties.secret())) {
            return reject(HttpStatus.BAD_REQUEST, "bad signature for order " + LogSafe.of(fields.get("orderNo")));
        }
        long timestamp;
        Money amount;
        try {
            timestamp = Long.parseLong(fields.get("timestamp"));
            amount = Money.parse(fields.get("amount"), fields.get("currency"));
        } catch (IllegalArgumentException e) {
            return reject(HttpStatus.BAD_REQUEST, "malformed field: " + e.getMessage());
        }
        if (Math.abs(Instant.now().getEpochSecond() - timestamp) > properties.toleranceSeconds()) {
            return reject(HttpStatus.BAD_REQUEST, "timestamp outside the " + properties.toleranceSeconds() + " s window");
        }
        if (!"PAID".equals(fields.get("status"))) {
            return reject(HttpStatus.BAD_REQUEST, "status " + LogSafe.of(fields.get("status")) + " is not PAID");
        }
        if (fields.get("tradeNo").length() > 128 || fields.get("orderNo").length() > 32) {
            return reject(HttpStatus.BAD_REQUEST, "tradeNo or orderNo too long");
        }
        PaymentNotice notice = PaymentNotice.paid(SandboxChannel.ID, fields.get("tradeNo"), fields.get("orderNo"), amount,
                fields.get("status"), SandboxSignature.canonical(fields));
        PaymentRecorder.Outcome outcome = recorder.record(notice);
        if (outcome == PaymentRecorder.Outcome.RECORDED && properties.allowInProd()) {
            log.warn("SANDBOX payment recorded in production for order {}: no money moved (kamiflow.payment.sandbox.allow-in-prod)",
                    LogSafe.of(fields.get("orderNo")));
        }
        return switch (outcome) {
            case RECORDED, ALREADY_RECORDED, IGNORED -> reply(HttpStatus.OK, "success");
            case UNKNOWN_ORDER -> reject(HttpStatus.NOT_FOUND, "unknown order " + LogSafe.of(fields.get("orderNo")));
        };
    }

    private static ResponseEntity<String> reject(HttpStatus status, String why) {
        log.warn("sandbox notify rejected: {}", why);
        return reply(status, "fail");
    }

    private static ResponseEntity<String> reply(HttpStatus status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(body);
    }
}
