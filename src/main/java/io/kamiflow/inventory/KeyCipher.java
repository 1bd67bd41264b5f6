package io.kamiflow.inventory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encryption of card key values with the JDK's provider. The product id is bound as
 * associated data, so a ciphertext copied onto another product's row does not decrypt.
 * Exceptions never carry the plaintext.
 */
public class KeyCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKey> keys = new HashMap<>();
    private final String activeKeyId;
    private final SecureRandom random = new SecureRandom();

    public KeyCipher(String activeKeyId, Map<String, byte[]> rawKeys) {
        rawKeys.forEach((id, raw) -> {
            if (raw.length != 32) {
                throw new IllegalArgumentException("kamiflow.crypto.keys." + id + " must be 32 bytes (AES-256), base64 encoded");
            }
            keys.put(id, new SecretKeySpec(raw, "AES"));
        });
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("kamiflow.crypto.active-key-id '" + activeKeyId + "' names no configured key");
        }
        this.activeKeyId = activeKeyId;
    }

    public static Map<String, byte[]> decodeKeys(Map<String, String> base64Keys) {
        Map<String, byte[]> raw = new HashMap<>();
        base64Keys.forEach((id, value) -> raw.put(id, Base64.getDecoder().decode(value.trim())));
        return raw;
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public byte[] encrypt(long productId, String plaintext) {
        return encrypt(associatedData(productId), plaintext);
    }

    /** A hand-fulfilled order's delivery text, bound to its order: it cannot be moved to another one. */
    public byte[] encryptHandDelivery(long orderId, String plaintext) {
        return encrypt(handDeliveryData(orderId), plaintext);
    }

    public String decryptHandDelivery(long orderId, String keyId, byte[] stored) {
        return decrypt(handDeliveryData(orderId), keyId, stored);
    }

    private byte[] encrypt(byte[] associatedData, String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("card key encryption failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Encrypts many values for one product with one {@link Cipher} (re-initialised with a fresh nonce for each): a bulk
     * import pays the provider lookup once, not per key.
     */
    public byte[][] encryptAll(long productId, java.util.List<String> plaintexts) {
        byte[][] sealed = new byte[plaintexts.size()][];
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] aad = associatedData(productId);
            for (int i = 0; i < sealed.length; i++) {
                byte[] nonce = new byte[NONCE_BYTES];
                random.nextBytes(nonce);
                cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
                cipher.updateAAD(aad);
                byte[] body = cipher.doFinal(plaintexts.get(i).getBytes(StandardCharsets.UTF_8));
                sealed[i] = ByteBuffer.allocate(NONCE_BYTES + body.length).put(nonce).put(body).array();
            }
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("card key encryption failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    public String decrypt(long productId, String keyId, byte[] stored) {
        return decrypt(associatedData(productId), keyId, stored);
    }

    private String decrypt(byte[] associatedData, String keyId, byte[] stored) {
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("no decryption key configured for key id '" + keyId + "'");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            byte[] plain = cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("card key decryption failed for key id '" + keyId + "' ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] handDeliveryData(long orderId) {
        return ("kamiflow/hand_delivery/v1/order/" + orderId).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] associatedData(long productId) {
        return ("kamiflow/card_key/v1/product/" + productId).getBytes(StandardCharsets.US_ASCII);
    }
}
