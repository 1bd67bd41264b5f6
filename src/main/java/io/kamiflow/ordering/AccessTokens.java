package io.kamiflow.ordering;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.kamiflow.inventory.KeyFingerprinter;
import org.springframework.stereotype.Component;

/**
 * The buyer's order token: HMAC-SHA256 of the order number under a key derived from the fingerprint key, so the
 * key mail can carry the order link without the token being stored anywhere; only its SHA-256 is stored.
 */
@Component
public class AccessTokens {

    private final SecretKeySpec key;

    AccessTokens(KeyFingerprinter fingerprinter) {
        this.key = new SecretKeySpec(fingerprinter.subkey("order-access-token"), "HmacSHA256");
    }

    public String tokenFor(String orderNo) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] token = mac.doFinal(orderNo.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("order token failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    boolean matches(String token, String storedHash) {
        if (token == null || token.isEmpty() || storedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(token).getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
