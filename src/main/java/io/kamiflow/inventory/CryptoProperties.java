package io.kamiflow.inventory;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Secrets protecting card keys at rest. {@code keys} maps a key id to a base64 AES-256 key; new
 * ciphertext uses {@code activeKeyId}, old ids stay readable so keys can be rotated.
 * The fingerprint key is separate so dedupe never needs the encryption key.
 */
@ConfigurationProperties("kamiflow.crypto")
public record CryptoProperties(String activeKeyId, Map<String, String> keys, String fingerprintKey) {

    public CryptoProperties {
        keys = keys == null ? Map.of() : Map.copyOf(keys);
    }

    public boolean isConfigured() {
        return activeKeyId != null && !activeKeyId.isBlank() && keys.containsKey(activeKeyId)
                && fingerprintKey != null && !fingerprintKey.isBlank();
    }
}
