package io.kamiflow.inventory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 of the normalized key value: the UNIQUE column that finds duplicates without decrypting. */
public class KeyFingerprinter {

    private final SecretKeySpec key;

    public KeyFingerprinter(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("kamiflow.crypto.fingerprint-key must be at least 32 bytes, base64 encoded");
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** Keys differ only by surrounding white space or Unicode composition are the same key. */
    public static String normalize(String value) {
        return Normalizer.normalize(value.strip(), Normalizer.Form.NFC);
    }

    /**
     * A key of its own for {@code purpose}, derived from this one: the HMAC input starts with 0xFF, which no
     * UTF-8 text (and so no card key's fingerprint input) does, so a derived key never equals a stored fingerprint.
     */
    public byte[] subkey(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((byte) 0xFF);
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key derivation failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A fingerprinter for one thread's many keys (a bulk import): one {@link Mac}, not one per key. */
    public java.util.function.UnaryOperator<String> bulk() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            HexFormat hex = HexFormat.of();
            return value -> hex.formatHex(mac.doFinal(normalize(value).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("fingerprint failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    public String fingerprint(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(normalize(value).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("fingerprint failed (" + e.getClass().getSimpleName() + ")");
        }
    }
}
