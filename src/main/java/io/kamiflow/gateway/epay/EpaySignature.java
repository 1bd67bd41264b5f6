package io.kamiflow.gateway.epay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import io.kamiflow.payment.NotifyFields;

/** epay V1: lowercase hex MD5 of {@link NotifyFields#signedContent} with the merchant key appended directly. */
final class EpaySignature {

    private EpaySignature() {
    }

    static String sign(Map<String, String> fields, String key) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return HexFormat.of().formatHex(
                    md5.digest((NotifyFields.signedContent(fields) + key).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    static boolean verify(Map<String, String> fields, String sign, String key) {
        return sign != null && NotifyFields.same(sign(fields, key), sign.toLowerCase(Locale.ROOT));
    }
}
