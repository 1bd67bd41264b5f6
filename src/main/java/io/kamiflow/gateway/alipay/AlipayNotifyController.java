package io.kamiflow.gateway.alipay;

import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * Alipay's asynchronous notify (form POST). Shape, RSA2 signature, app id and seller id are checked before
 * anything is written. Alipay retries until it reads exactly {@code success}; rejected notices get {@code fail}.
 */
@RestController
class AlipayNotifyController {

    private static final Logger log = LoggerFactory.getLogger(AlipayNotifyController.class);
    private static final List<String> REQUIRED = List.of("app_id", "out_trade_no", "trade_no", "trade_status",
            "total_amount", "sign");
    private static final Set<String> PAID = Set.of("TRADE_SUCCESS", "TRADE_FINISHED");

    private final AlipayProperties properties;
    private final AlipayChannel channel;
    private final PaymentRecorder recorder;

    AlipayNotifyController(AlipayProperties properties, AlipayChannel channel, PaymentRecorder recorder) {
        this.properties = properties;
        this.channel = channel;
        this.recorder = recorder;
    }

    @PostMapping(path = "/api/payments/alipay/notify", produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> notify(@RequestParam MultiValueMap<String, String> form) {
        if (!properties.enabled()) {
            return reply(HttpStatus.NOT_FOUND, "fail");
        }
        Map<String, String> fields;
        try {
            fields = NotifyFields.parse(form, REQUIRED);
        } catch (IllegalArgumentException e) {
            return reject(HttpStatus.BAD_REQUEST, form.getFirst("out_trade_no"), e.getMessage());
        }
        String orderNo = fields.get("out_trade_no");
        if (fields.containsKey("sign_type") && !"RSA2".equals(fields.get("sign_type"))) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "sign_type is not RSA2");
        }
        if (fields.containsKey("charset") && !"utf-8".equalsIgnoreCase(fields.get("charset"))) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "charset is not utf-8");
        }
        if (!AlipayRsa2.verify(fields, fields.get("sign"), channel.alipayPublicKey())) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "bad signature");
        }
        if (!NotifyFields.same(properties.appId(), fields.get("app_id"))) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "app_id is not ours");
        }
        if (!NotifyFields.blank(properties.sellerId()) && !NotifyFields.same(properties.sellerId(), fields.get("seller_id"))) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "seller_id is not ours");
        }
        if (orderNo.length() > 32 || fields.get("trade_no").length() > 128) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "out_trade_no or trade_no too long");
        }
        Money amount;
        try {
            amount = Money.parse(fields.get("total_amount"), "CNY");
        } catch (IllegalArgumentException e) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "malformed total_amount");
        }
        String status = fields.get("trade_status");
        // A verified amount that differs from the order is real money: recorded, and the process sends it to review.
        PaymentNotice notice = new PaymentNotice(AlipayChannel.ID, fields.get("trade_no"), orderNo, amount,
                PAID.contains(status), status, fields.get("notify_id"), NotifyFields.signedContent(fields));
        return switch (recorder.record(notice)) {
            case RECORDED, ALREADY_RECORDED, IGNORED -> reply(HttpStatus.OK, "success");
            case UNKNOWN_ORDER -> reject(HttpStatus.NOT_FOUND, orderNo, "unknown order");
        };
    }

    private static ResponseEntity<String> reject(HttpStatus status, String orderNo, String why) {
        log.warn("alipay notify rejected for order {}: {}", LogSafe.of(orderNo), why);
        return reply(status, "fail");
    }

    private static ResponseEntity<String> reply(HttpStatus status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(body);
    }
}
