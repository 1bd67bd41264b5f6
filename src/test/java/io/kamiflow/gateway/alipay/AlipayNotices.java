package io.kamiflow.gateway.alipay;

import java.util.Map;
import java.util.TreeMap;

import com.alipay.api.AlipayApiException;
import com.alipay.api.internal.util.AlipaySignature;
import io.kamiflow.support.TestGatewayKeys;

/** Alipay async notices as the gateway sends them, signed by the official SDK with the test gateway key. */
public final class AlipayNotices {

    private AlipayNotices() {
    }

    public static Map<String, String> paid(String orderNo, String tradeNo, String amount) {
        return withStatus(orderNo, tradeNo, amount, "TRADE_SUCCESS");
    }

    static Map<String, String> withStatus(String orderNo, String tradeNo, String amount, String status) {
        Map<String, String> notice = new TreeMap<>();
        notice.put("notify_time", "2025-01-01 12:00:00");
        notice.put("notify_type", "trade_status_sync");
        notice.put("notify_id", "ac05099524730693a8b330c5ecf72da9786");
        notice.put("charset", "utf-8");
        notice.put("version", "1.0");
        notice.put("app_id", TestGatewayKeys.ALIPAY_APP_ID);
        notice.put("seller_id", TestGatewayKeys.ALIPAY_SELLER_ID);
        notice.put("out_trade_no", orderNo);
        notice.put("trade_no", tradeNo);
        notice.put("trade_status", status);
        notice.put("total_amount", amount);
        notice.put("receipt_amount", amount);
        notice.put("buyer_id", "2088102122524333");
        notice.put("gmt_payment", "2025-01-01 11:59:58");
        notice.put("subject", "卡密 card keys");
        notice.put("fund_bill_list", "[{\"amount\":\"" + amount + "\",\"fundChannel\":\"ALIPAYACCOUNT\"}]");
        notice.put("passback_params", ""); // empty values are not signed
        return signed(notice);
    }

    /** Signs with the SDK (RSA2 over the SDK's own sign content; sign and sign_type are not part of it). */
    static Map<String, String> signed(Map<String, String> notice) {
        return signedWith(notice, TestGatewayKeys.base64(TestGatewayKeys.ALIPAY_GATEWAY.getPrivate().getEncoded()));
    }

    static Map<String, String> signedWith(Map<String, String> notice, String privateKey) {
        Map<String, String> content = new TreeMap<>(notice);
        content.remove("sign");
        content.remove("sign_type");
        try {
            String sign = AlipaySignature.rsaSign(AlipaySignature.getSignContent(content), privateKey, "utf-8", "RSA2");
            Map<String, String> result = new TreeMap<>(content);
            result.put("sign_type", "RSA2");
            result.put("sign", sign);
            return result;
        } catch (AlipayApiException e) {
            throw new IllegalStateException(e);
        }
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
