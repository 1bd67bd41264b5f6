package io.kamiflow.gateway.epay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.kamiflow.support.TestGatewayKeys;

/** 易支付 notices as the gateway sends them; signed here independently of the production code. */
public final class EpayNotices {

    private EpayNotices() {
    }

    public static Map<String, String> paid(String orderNo, String tradeNo, String money) {
        return withStatus(orderNo, tradeNo, money, "TRADE_SUCCESS");
    }

    static Map<String, String> withStatus(String orderNo, String tradeNo, String money, String status) {
        Map<String, String> notice = new TreeMap<>();
        notice.put("pid", TestGatewayKeys.EPAY_PID);
        notice.put("trade_no", tradeNo);
        notice.put("out_trade_no", orderNo);
        notice.put("type", "alipay");
        notice.put("name", "卡密 card keys");
        notice.put("money", money);
        notice.put("trade_status", status);
        notice.put("param", "");
        return signed(notice, TestGatewayKeys.EPAY_KEY);
    }

    static Map<String, String> signed(Map<String, String> notice, String key) {
        Map<String, String> result = new TreeMap<>(notice);
        result.remove("sign");
        result.remove("sign_type");
        String content = result.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        try {
            result.put("sign", HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest((content + key).getBytes(StandardCharsets.UTF_8))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        result.put("sign_type", "MD5");
        return result;
    }

    static Map<String, String> with(Map<String, String> notice, String field, String value) {
        Map<String, String> copy = new TreeMap<>(notice);
        copy.put(field, value);
        return copy;
    }

    static Map<String, String> without(Map<String, String> notice, String field) {
        Map<String, String> copy = new TreeMap<>(notice);
        copy.remove(field);
        return copy;
    }
}
