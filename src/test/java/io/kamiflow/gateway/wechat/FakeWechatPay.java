package io.kamiflow.gateway.wechat;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.wechat.pay.java.core.cipher.RSASigner;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;

/**
 * The parts of the WeChat Pay v3 API kamiflow calls, on {@link FakeGateway} under /wechat. Like the real one it
 * refuses requests without a valid merchant signature (Authorization header, checked with the merchant's public
 * key) and signs every answer with the WeChat Pay key, which the SDK verifies. Refunds are kept per
 * out_refund_no: a repeated request gets the refund WeChat already has, and the refund query by out_refund_no
 * answers it in whatever status the test settled it to (WeChat settles refunds asynchronously).
 */
public final class FakeWechatPay {

    static final String PREFIX = "/wechat";
    public static final String NATIVE = PREFIX + "/v3/pay/transactions/native";
    static final String REFUNDS = PREFIX + "/v3/refund/domestic/refunds";
    static final String BY_OUT_TRADE_NO = PREFIX + "/v3/pay/transactions/out-trade-no/";
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "WECHATPAY2-SHA256-RSA2048 mchid=\"(\\d+)\",nonce_str=\"([^\"]+)\",timestamp=\"(\\d+)\",serial_no=\"([^\"]+)\",signature=\"([^\"]+)\"");

    private final Map<String, Map<String, Object>> refundsByOutRefundNo = new ConcurrentHashMap<>();
    private final Map<String, String> statesByOrderNo = new ConcurrentHashMap<>();
    private volatile String refuseWith;
    private volatile String createdStatus = "SUCCESS";
    private int counter;

    private FakeWechatPay() {
    }

    public static FakeWechatPay install() {
        FakeWechatPay wechat = new FakeWechatPay();
        FakeGateway.on("POST", NATIVE, request -> merchantSigned(request)
                ? signedReply(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=kamiflow" + wechat.next() + "\"}")
                : signatureError());
        FakeGateway.on("POST", REFUNDS, wechat::refund);
        return wechat;
    }

    /** Refunds are refused from now on with this error code (e.g. NOT_ENOUGH). */
    public void refuseRefunds(String code) {
        refuseWith = code;
    }

    public void acceptRefunds() {
        refuseWith = null;
    }

    /** New refunds are answered in this status (SUCCESS by default; the real gateway mostly says PROCESSING). */
    public void answerRefundsWith(String status) {
        createdStatus = status;
    }

    /** WeChat settled the refund: its query answers this status from now on (SUCCESS, ABNORMAL, CLOSED). */
    public void settleRefund(String outRefundNo, String status) {
        refundsByOutRefundNo.get(outRefundNo).put("status", status);
    }

    public static List<FakeGateway.Request> refundQueries() {
        return FakeGateway.requests().stream().filter(r -> r.method().equals("GET") && r.path().startsWith(REFUNDS + "/"))
                .toList();
    }

    /** What the order query by out_trade_no answers for this order: a transaction in the given trade_state. */
    public void transaction(String orderNo, String transactionId, int total, String state) {
        statesByOrderNo.put(orderNo, state);
        FakeGateway.on("GET", BY_OUT_TRADE_NO + orderNo, request -> {
            if (!merchantSigned(request) || !("mchid=" + TestGatewayKeys.WECHAT_MCH_ID).equals(request.query())) {
                return signatureError();
            }
            return signedReply(200, ShopClient.json(WechatNotifications.transaction(orderNo, transactionId, total, state)));
        });
    }

    /**
     * Answers the close of this order: 204 (signed) and the order is closed, unless its transaction is SUCCESS,
     * which WeChat refuses (400 ORDERPAID).
     */
    public void closable(String orderNo) {
        FakeGateway.on("POST", BY_OUT_TRADE_NO + orderNo + "/close", request -> {
            if (!merchantSigned(request)) {
                return signatureError();
            }
            if ("SUCCESS".equals(statesByOrderNo.get(orderNo))) {
                return signedReply(400, "{\"code\":\"ORDERPAID\",\"message\":\"fake wechat pay: paid\"}");
            }
            statesByOrderNo.put(orderNo, "CLOSED");
            return signedReply(204, "");
        });
    }

    public static List<FakeGateway.Request> closeRequests() {
        return FakeGateway.requests().stream().filter(r -> r.path().startsWith(BY_OUT_TRADE_NO) && r.path().endsWith("/close"))
                .toList();
    }

    public static List<FakeGateway.Request> refundRequests() {
        return FakeGateway.requests().stream().filter(r -> r.method().equals("POST") && r.path().equals(REFUNDS)).toList();
    }

    private synchronized FakeGateway.Reply refund(FakeGateway.Request request) throws Exception {
        if (!merchantSigned(request)) {
            return signatureError();
        }
        JsonNode body = new ShopClient.Response(200, request.body(), "").json();
        String outRefundNo = body.path("out_refund_no").asText();
        Map<String, Object> known = refundsByOutRefundNo.get(outRefundNo);
        if (known != null) {
            return signedReply(200, ShopClient.json(known));
        }
        if (refuseWith != null) {
            return signedReply(403, "{\"code\":\"" + refuseWith + "\",\"message\":\"fake wechat pay: " + refuseWith + "\"}");
        }
        JsonNode amount = body.path("amount");
        Map<String, Object> refund = new LinkedHashMap<>();
        refund.put("refund_id", "50000000382019052709732678" + next());
        refund.put("out_refund_no", outRefundNo);
        refund.put("transaction_id", body.path("transaction_id").asText());
        refund.put("out_trade_no", body.path("out_trade_no").asText(""));
        refund.put("channel", "ORIGINAL");
        refund.put("user_received_account", "支付用户零钱");
        refund.put("create_time", "2025-01-02T10:00:00+08:00");
        refund.put("status", createdStatus);
        refund.put("amount", Map.of("total", amount.path("total").asLong(), "refund", amount.path("refund").asLong(),
                "payer_total", amount.path("total").asLong(), "payer_refund", amount.path("refund").asLong(),
                "settlement_refund", amount.path("refund").asLong(), "settlement_total", amount.path("total").asLong(),
                "discount_refund", 0, "currency", amount.path("currency").asText()));
        refundsByOutRefundNo.put(outRefundNo, new ConcurrentHashMap<>(refund));
        FakeGateway.on("GET", REFUNDS + "/" + outRefundNo, this::queryRefund);
        return signedReply(200, ShopClient.json(refund));
    }

    /** GET /v3/refund/domestic/refunds/{out_refund_no}: the refund as WeChat has it now. */
    private FakeGateway.Reply queryRefund(FakeGateway.Request request) throws Exception {
        if (!merchantSigned(request)) {
            return signatureError();
        }
        Map<String, Object> known = refundsByOutRefundNo.get(request.path().substring(REFUNDS.length() + 1));
        return known == null
                ? signedReply(404, "{\"code\":\"RESOURCE_NOT_EXISTS\",\"message\":\"fake wechat pay: no such refund\"}")
                : signedReply(200, ShopClient.json(new LinkedHashMap<>(known)));
    }

    private synchronized int next() {
        return ++counter;
    }

    /** The merchant's request signature over method, URL, timestamp, nonce and body, checked with the JDK. */
    static boolean merchantSigned(FakeGateway.Request request) throws Exception {
        String authorization = request.headers().get("Authorization");
        Matcher auth = AUTHORIZATION.matcher(authorization == null ? "" : authorization);
        if (!auth.matches() || !auth.group(1).equals(TestGatewayKeys.WECHAT_MCH_ID)
                || !auth.group(4).equals(TestGatewayKeys.WECHAT_MERCHANT_SERIAL)) {
            return false;
        }
        String url = request.path().substring(PREFIX.length()) + (request.query() == null ? "" : "?" + request.query());
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(TestGatewayKeys.WECHAT_MERCHANT.getPublic());
        verifier.update((request.method() + "\n" + url + "\n" + auth.group(3) + "\n" + auth.group(2) + "\n"
                + request.body() + "\n").getBytes(StandardCharsets.UTF_8));
        return verifier.verify(Base64.getDecoder().decode(auth.group(5)));
    }

    static FakeGateway.Reply signatureError() {
        return new FakeGateway.Reply(401, Map.of("Content-Type", "application/json"),
                "{\"code\":\"SIGN_ERROR\",\"message\":\"bad signature\"}");
    }

    /** An answer signed with the WeChat Pay private key, with the headers the SDK verifies. */
    public static FakeGateway.Reply signedReply(int status, String body) {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String nonce = UUID.randomUUID().toString().replace("-", "");
        String signature = new RSASigner(TestGatewayKeys.WECHAT_PUBLIC_KEY_ID, TestGatewayKeys.WECHAT_PLATFORM.getPrivate())
                .sign(timestamp + "\n" + nonce + "\n" + body + "\n").getSign();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Wechatpay-Timestamp", timestamp);
        headers.put("Wechatpay-Nonce", nonce);
        headers.put("Wechatpay-Serial", TestGatewayKeys.WECHAT_PUBLIC_KEY_ID);
        headers.put("Wechatpay-Signature", signature);
        headers.put("Request-ID", "fake-" + nonce);
        return new FakeGateway.Reply(status, headers, body);
    }
}
