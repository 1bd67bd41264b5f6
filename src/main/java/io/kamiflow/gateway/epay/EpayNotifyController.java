package io.kamiflow.gateway.epay;

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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * 易支付's notify, by GET (most deployments) or POST. Shape, MD5 signature and pid are checked before anything
 * is written; the gateway retries until it reads exactly {@code success}.
 */
@RestController
class EpayNotifyController {

    private static final Logger log = LoggerFactory.getLogger(EpayNotifyController.class);
    private static final List<String> REQUIRED = List.of("pid", "out_trade_no", "trade_no", "trade_status", "money", "sign");

    private final EpayProperties properties;
    private final PaymentRecorder recorder;

    EpayNotifyController(EpayProperties properties, PaymentRecorder recorder) {
        this.properties = properties;
        this.recorder = recorder;
    }

    @RequestMapping(path = "/api/payments/epay/notify", method = {RequestMethod.GET, RequestMethod.POST},
            produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> notify(@RequestParam MultiValueMap<String, String> params) {
        if (!properties.enabled()) {
            return reply(HttpStatus.NOT_FOUND, "fail");
        }
        Map<String, String> fields;
        try {
            fields = NotifyFields.parse(params, REQUIRED);
        } catch (IllegalArgumentException e) {
            return reject(HttpStatus.BAD_REQUEST, params.getFirst("out_trade_no"), e.getMessage());
        }
        String orderNo = fields.get("out_trade_no");
        if (fields.containsKey("sign_type") && !"MD5".equalsIgnoreCase(fields.get("sign_type"))) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "sign_type is not MD5");
        }
        if (!EpaySignature.verify(fields, fields.get("sign"), properties.key())) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "bad signature");
        }
        if (!NotifyFields.same(properties.pid(), fields.get("pid"))) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "pid is not ours");
        }
        if (orderNo.length() > 32 || fields.get("trade_no").length() > 128) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "out_trade_no or trade_no too long");
        }
        Money amount;
        try {
            amount = Money.parse(fields.get("money"), "CNY");
        } catch (IllegalArgumentException e) {
            return reject(HttpStatus.BAD_REQUEST, orderNo, "malformed money");
        }
        String status = fields.get("trade_status");
        // A verified amount that differs from the order is real money: recorded, and the process sends it to review.
        PaymentNotice notice = new PaymentNotice(EpayChannel.ID, fields.get("trade_no"), orderNo, amount,
                "TRADE_SUCCESS".equals(status), status, null, NotifyFields.signedContent(fields));
        return switch (recorder.record(notice)) {
            case RECORDED, ALREADY_RECORDED, IGNORED -> reply(HttpStatus.OK, "success");
            case UNKNOWN_ORDER -> reject(HttpStatus.NOT_FOUND, orderNo, "unknown order");
        };
    }

    private static ResponseEntity<String> reject(HttpStatus status, String orderNo, String why) {
        log.warn("epay notify rejected for order {}: {}", LogSafe.of(orderNo), why);
        return reply(status, "fail");
    }

    private static ResponseEntity<String> reply(HttpStatus status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(body);
    }
}
