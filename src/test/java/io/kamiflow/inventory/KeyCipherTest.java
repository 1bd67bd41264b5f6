package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;

import org.junit.jupiter.api.Test;

class KeyCipherTest {

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private final KeyCipher cipher = new KeyCipher("k1", Map.of("k1", random(32)));

    @Test
    void roundTripsAndNeverStoresPlaintext() {
        byte[] stored = cipher.encrypt(7, "ABCDE-12345-ÄÖÜ");
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("ABCDE");
        assertThat(cipher.decrypt(7, "k1", stored)).isEqualTo("ABCDE-12345-ÄÖÜ");
        assertThat(cipher.encrypt(7, "ABCDE-12345-ÄÖÜ")).isNotEqualTo(stored); // fresh nonce each time
    }

    @Test
    void ciphertextIsBoundToItsProductAndTamperingIsDetected() {
        byte[] stored = cipher.encrypt(7, "SECRET-VALUE");
        assertThatThrownBy(() -> cipher.decrypt(8, "k1", stored)).hasMessageNotContaining("SECRET-VALUE");
        stored[stored.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.decrypt(7, "k1", stored)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void oldKeysStayReadableAfterRotation() {
        byte[] oldKey = random(32);
        byte[] stored = new KeyCipher("old", Map.of("old", oldKey)).encrypt(1, "ROTATE-ME");
        KeyCipher rotated = new KeyCipher("new", Map.of("old", oldKey, "new", random(32)));
        assertThat(rotated.decrypt(1, "old", stored)).isEqualTo("ROTATE-ME");
        assertThat(rotated.activeKeyId()).isEqualTo("new");
    }

    @Test
    void rejectsKeysThatAreNotAes256() {
        assertThatThrownBy(() -> new KeyCipher("k", Map.of("k", random(16)))).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new KeyCipher("missing", Map.of("k", random(32)))).hasMessageContaining("missing");
    }

    @Test
    void fingerprintIgnoresSurroundingSpaceButNotCase() {
        KeyFingerprinter fingerprinter = new KeyFingerprinter(random(32));
        assertThat(fingerprinter.fingerprint("  abc-123 ")).isEqualTo(fingerprinter.fingerprint("abc-123")).hasSize(64);
        assertThat(fingerprinter.fingerprint("ABC-123")).isNotEqualTo(fingerprinter.fingerprint("abc-123"));
        assertThat(new KeyFingerprinter(random(32)).fingerprint("abc-123")).isNotEqualTo(fingerprinter.fingerprint("abc-123"));
    }
}
