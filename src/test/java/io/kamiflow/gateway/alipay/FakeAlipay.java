package io.kamiflow.gateway.alipay;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.alipay.api.internal.util.AlipaySignature;
import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;

/**
 * Alipay's OpenAPI gateway (alipay.trade.refund, alipay.trade.query) on {@link FakeGateway}. As the real one, it
 * checks the request's RSA2 signature with the merchant's public key (the official SDK's rsaCheckV2) and the
 * app id, and signs each {@code <method>_response} object with the Alipay key. Refunds are kept per
 * (trade_no, out_request_no): a repeated request changes no money (fund_change N).
 */
public final class FakeAlipay {

    static final String GATEWAY = "/alipay/gateway.do";

    private record Trade(String tradeNo, String amount, String status) {
    }

    private final Map<String, Trade> tradesByOrderNo = new ConcurrentHashMap<>();
    private final Map<String, String> refundFeeByRequest = new ConcurrentHashMap<>();
    private volatile String refuseWith;
    private volatile PrivateKey signingKey = TestGatewayKeys.ALIPAY_GATEWAY.getPrivate();

    private FakeAlipay() {
    }

    public static FakeAlipay install() {
        FakeAlipay alipay = new FakeAlipay();
        FakeGateway.on("POST", GATEWAY, alipay::handle);
        return alipay;
    }

    /** Refunds are refused from now on with this sub_code (e.g. ACQ.SELLER_BALANCE_NOT_ENOUGH). */
    public void refuseRefunds(String subCode) {
        refuseWith = subCode;
    }

    public void acceptRefunds() {
        refuseWith = null;
    }

    /** Answers are signed with this key from now on (a forger's, to see them refused). */
    public void signWith(PrivateKey key) {
        signingKey = key;
    }

    /** What alipay.trade.query answers for the order. */
    public void trade(String orderNo, String tradeNo, String amount, String status) {
        tradesByOrderNo.put(orderNo, new Trade(tradeNo, amount, status));
    }

    public static List<Map<String, String>> calls(String method) {
        return FakeGateway.requests().stream().filter(r -> r.path().equals(GATEWAY)).map(FakeAlipay::form)
                .filter(form -> method.equals(form.get("method"))).toList();
    }

    static JsonNode bizContent(Map<String, String> call) {
        return new ShopClient.Response(200, call.get("biz_content"), "").json();
    }

    private synchronized FakeGateway.Reply handle(FakeGateway.Request request) throws Exception {
        Map<String, String> params = form(request);
        String method = params.getOrDefault("method", "");
        String responseKey = method.replace('.', '_') + "_response";
        boolean signed = params.containsKey("sign") && AlipaySignature.rsaCheckV2(params,
                TestGatewayKeys.base64(TestGatewayKeys.ALIPAY_MERCHANT.getPublic().getEncoded()), "utf-8", "RSA2");
        if (!signed || !TestGatewayKeys.ALIPAY_APP_ID.equals(params.get("app_id")) || !"RSA2".equals(params.get("sign_type"))) {
            return answer(responseKey, error("40002", "Invalid Arguments", "isv.invalid-signature"));
        }
        JsonNode biz = new ShopClient.Response(200, params.get("biz_content"), "").json();
        return switch (method) {
            case "alipay.trade.refund" -> answer(responseKey, refund(biz));
            case "alipay.trade.query" -> answer(responseKey, query(biz));
            case "alipay.trade.close" -> answer(responseKey, close(biz));
            default -> answer(responseKey, error("40004", "Business Failed", "isv.invalid-method"));
        };
    }

    private Map<String, Object> refund(JsonNode biz) {
        String tradeNo = biz.path("trade_no").asText();
        String requestNo = biz.path("out_request_no").asText();
        String key = tradeNo + "/" + requestNo;
        boolean repeated = refundFeeByRequest.containsKey(key);
        if (!repeated && refuseWith != null) {
            return error("40004", "Business Failed", refuseWith);
        }
        if (!repeated) {
            refundFeeByRequest.put(key, biz.path("refund_amount").asText());
        }
        Map<String, Object> response = success();
        response.put("trade_no", tradeNo);
        response.put("out_trade_no", "");
        response.put("buyer_logon_id", "159****5620");
        response.put("fund_change", repeated ? "N" : "Y");
        response.put("refund_fee", refundFeeByRequest.get(key));
        response.put("gmt_refund_pay", "2025-01-02 10:00:00");
        return response;
    }

    private Map<String, Object> query(JsonNode biz) {
        String orderNo = biz.path("out_trade_no").asText();
        Trade trade = tradesByOrderNo.get(orderNo);
        if (trade == null) {
            return error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST");
        }
        Map<String, Object> response = success();
        response.put("trade_no", trade.tradeNo());
        response.put("out_trade_no", orderNo);
        response.put("buyer_logon_id", "159****5620");
        response.put("trade_status", trade.status());
        response.put("total_amount", trade.amount());
        response.put("buyer_pay_amount", trade.amount());
        response.put("send_pay_date", "2025-01-01 11:59:58");
        return response;
    }

    /** Only a trade waiting for the buyer closes; a paid one is ACQ.TRADE_STATUS_ERROR, as Alipay answers. */
    private Map<String, Object> close(JsonNode biz) {
        String orderNo = biz.path("out_trade_no").asText();
        Trade trade = tradesByOrderNo.get(orderNo);
        if (trade == null) {
            return error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST");
        }
        if (!trade.status().equals("WAIT_BUYER_PAY") && !trade.status().equals("TRADE_CLOSED")) {
            return error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR");
        }
        tradesByOrderNo.put(orderNo, new Trade(trade.tradeNo(), trade.amount(), "TRADE_CLOSED"));
        Map<String, Object> response = success();
        response.put("trade_no", trade.tradeNo());
        response.put("out_trade_no", orderNo);
        return response;
    }

    /** The trade's status as the fake holds it now (e.g. TRADE_CLOSED after a close). */
    public String status(String orderNo) {
        return tradesByOrderNo.get(orderNo).status();
    }

    private static Map<String, Object> success() {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("code", "10000");
        response.put("msg", "Success");
        return response;
    }

    private static Map<String, Object> error(String code, String msg, String subCode) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("code", code);
        response.put("msg", msg);
        response.put("sub_code", subCode);
        response.put("sub_msg", "fake alipay: " + subCode);
        return response;
    }

    /** {"<method>_response":{...},"sign":"..."}, the signature over the response object's exact text. */
    private FakeGateway.Reply answer(String responseKey, Map<String, Object> response) throws Exception {
        String raw = ShopClient.json(response);
        String sign = AlipaySignature.rsaSign(raw, TestGatewayKeys.base64(signingKey.getEncoded()), "utf-8", "RSA2");
        String body = "{\"" + responseKey + "\":" + raw + ",\"sign\":\"" + sign + "\"}";
        return new FakeGateway.Reply(200, Map.of("Content-Type", "text/html;charset=utf-8"), body);
    }

    private static Map<String, String> form(FakeGateway.Request request) {
        Map<String, String> params = new TreeMap<>();
        if (request.query() != null) {
            parse(request.query(), params);
        }
        parse(request.body(), params);
        return params;
    }

    private static void parse(String encoded, Map<String, String> into) {
        Arrays.stream(encoded.split("&")).filter(p -> !p.isEmpty()).map(p -> p.split("=", 2)).forEach(p ->
                into.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : ""));
    }
}
