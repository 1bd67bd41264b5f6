package io.kamiflow.inventory;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the cipher and fingerprinter from configuration. Only the embedded dev default
 * ({@code kamiflow.dev.enabled=true}) may invent keys, and then only for this run's in-memory database.
 */
@Configuration
class CryptoConfig {

    private static final Logger log = LoggerFactory.getLogger(CryptoConfig.class);

    private final CryptoProperties properties;
    private final boolean devDefaults;

    CryptoConfig(CryptoProperties properties, @Value("${kamiflow.dev.enabled:false}") boolean devDefaults) {
        this.properties = properties;
        this.devDefaults = devDefaults;
    }

    @Bean
    KeyCipher keyCipher() {
        if (properties.keys().isEmpty()) {
            requireDevDefaults("kamiflow.crypto.keys");
            log.warn("kamiflow.crypto.keys not set: generated an ephemeral dev encryption key (dev default only)");
            return new KeyCipher("dev", Map.of("dev", randomBytes()));
        }
        return new KeyCipher(properties.activeKeyId(), KeyCipher.decodeKeys(properties.keys()));
    }

    @Bean
    KeyFingerprinter keyFingerprinter() {
        if (properties.fingerprintKey() == null || properties.fingerprintKey().isBlank()) {
            requireDevDefaults("kamiflow.crypto.fingerprint-key");
            log.warn("kamiflow.crypto.fingerprint-key not set: generated an ephemeral dev fingerprint key (dev default only)");
            return new KeyFingerprinter(randomBytes());
        }
        return new KeyFingerprinter(Base64.getDecoder().decode(properties.fingerprintKey().trim()));
    }

    private void requireDevDefaults(String property) {
        if (!devDefaults) {
            throw new IllegalStateException(property + " must be configured (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)");
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
