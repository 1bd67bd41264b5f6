package io.kamiflow.gateway.wechat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.wechat.pay.java.core.exception.ValidationException;
import com.wechat.pay.java.core.notification.Constant;
import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.notification.RSAPublicKeyNotificationConfig;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.service.payments.model.Transaction;
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
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * WeChat Pay v3 payment notification. wechatpay-java's NotificationParser (public-key config: offline, no
 * certificate download) verifies the signature over timestamp, nonce and body and decrypts the resource;
 * we check the timestamp window, refuse signature probes, and match merchant and app ids before anything
 * is written. Success is 204; failures are 4xx with {"code":"FAIL","message":...}, and WeChat retries.
 */
@RestController
class WechatNotifyController {

    private static final Logger log = LoggerFactory.getLogger(WechatNotifyController.class);
    /** WeChat Pay sends such signatures to probe that merchants really verify; they never carry a payment. */
    private static final String SIGNATURE_PROBE = "WECHATPAY/SIGNTEST/";

    private final WechatProperties properties;
    private final PaymentRecorder recorder;
    private final ObjectMapper json;
    private final NotificationParser parser;

    WechatNotifyController(WechatProperties properties, PaymentRecorder recorder, ObjectMapper json) {
        this.properties = properties;
        this.recorder = recorder;
        this.json = json;
        this.parser = properties.enabled() ? new NotificationParser(new RSAPublicKeyNotificationConfig.Builder()
                .publicKey(properties.publicKey())
                .publicKeyId(properties.publicKeyId())
                .apiV3Key(properties.apiV3Key())
                .build()) : null;
    }

    @PostMapping(path = "/api/payments/wechat/notify")
    ResponseEntity<String> notify(@RequestBody(required = false) byte[] body,
                                  @RequestHeader(name = "Wechatpay-Serial", required = false) String serial,
                                  @RequestHeader(name = "Wechatpay-Signature", required = false) String signature,
                                  @RequestHeader(name = "Wechatpay-Timestamp", required = false) String timestamp,
                                  @RequestHeader(name = "Wechatpay-Nonce", required = false) String nonce,
                                  @RequestHeader(name = "Wechatpay-Signature-Type", required = false) String signType) {
        if (!properties.enabled()) {
            return fail(HttpStatus.NOT_FOUND, null, "wechat channel is not configured");
        }
        if (body == null || NotifyFields.blank(serial) || NotifyFields.blank(signature)
                || NotifyFields.blank(timestamp) || NotifyFields.blank(nonce)) {
            return fail(HttpStatus.BAD_REQUEST, null, "missing body or Wechatpay-* headers");
        }
        if (signature.startsWith(SIGNATURE_PROBE)) {
            return fail(HttpStatus.BAD_REQUEST, null, "signature probe");
        }
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return fail(HttpStatus.BAD_REQUEST, null, "malformed Wechatpay-Timestamp");
        }
        if (Math.abs(Instant.now().getEpochSecond() - sentAt) > properties.toleranceSeconds()) {
            return fail(HttpStatus.BAD_REQUEST, null, "Wechatpay-Timestamp outside the window");
        }
        String payload = new String(body, StandardCharsets.UTF_8);
        Transaction transaction;
        try {
            transaction = parser.parse(new RequestParam.Builder()
                    .serialNumber(serial).signature(signature).timestamp(timestamp).nonce(nonce)
                    .signType(signType == null ? Constant.RSA_SIGN_TYPE : signType)
                    .body(payload).build(), Transaction.class);
        } catch (ValidationException e) {
            return fail(HttpStatus.BAD_REQUEST, null, "bad signature"); // the SDK's message quotes the body: not logged
        } catch (RuntimeException e) {
            return fail(HttpStatus.BAD_REQUEST, null, "malformed notification (" + e.getClass().getSimpleName() + ")");
        }
        String orderNo = transaction == null ? null : transaction.getOutTradeNo();
        if (transaction == null || transaction.getTradeState() == null || NotifyFields.blank(orderNo)
                || NotifyFields.blank(transaction.getTransactionId()) || transaction.getAmount() == null
                || transaction.getAmount().getTotal() == null || transaction.getAmount().getTotal() < 0) {
            return fail(HttpStatus.BAD_REQUEST, orderNo, "transaction lacks state, ids or amount");
        }
        if (!NotifyFields.same(properties.mchId(), transaction.getMchid())) {
            return fail(HttpStatus.BAD_REQUEST, orderNo, "mchid is not ours");
        }
        if (!NotifyFields.same(properties.appId(), transaction.getAppid())) {
            return fail(HttpStatus.BAD_REQUEST, orderNo, "appid is not ours");
        }
        if (orderNo.length() > 32 || transaction.getTransactionId().length() > 128) {
            return fail(HttpStatus.BAD_REQUEST, orderNo, "out_trade_no or transaction_id too long");
        }
        Money amount;
        try {
            String currency = transaction.getAmount().getCurrency();
            amount = new Money(transaction.getAmount().getTotal(), currency == null ? "CNY" : currency);
        } catch (IllegalArgumentException e) {
            return fail(HttpStatus.BAD_REQUEST, orderNo, "malformed currency");
        }
        String state = transaction.getTradeState().name();
        // A verified amount that differs from the order is real money: recorded, and the process sends it to review.
        PaymentNotice notice = new PaymentNotice(WechatChannel.ID, transaction.getTransactionId(), orderNo, amount,
                "SUCCESS".equals(state), state, notificationId(payload), transaction.toString());
        return switch (recorder.record(notice)) {
            case RECORDED, ALREADY_RECORDED, IGNORED -> ResponseEntity.noContent().build();
            case UNKNOWN_ORDER -> fail(HttpStatus.NOT_FOUND, orderNo, "unknown order");
        };
    }

    private String notificationId(String payload) {
        try {
            JsonNode id = json.readTree(payload).get("id");
            return id == null ? null : id.asText();
        } catch (Exception e) {
            return null; // the parser read it already; the id is only for audit
        }
    }

    private ResponseEntity<String> fail(HttpStatus status, String orderNo, String why) {
        log.warn("wechat notify rejected for order {}: {}", LogSafe.of(orderNo), why);
        String body;
        try {
            body = json.writeValueAsString(java.util.Map.of("code", "FAIL", "message", why));
        } catch (Exception e) {
            body = "{\"code\":\"FAIL\",\"message\":\"rejected\"}";
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
