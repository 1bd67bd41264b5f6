package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class KeyGeneratorTest {

    private final KeyGenerator generator = new KeyGenerator();

    @Test
    void keysAreGroupedWithoutLookAlikesAndCarryOver100Bits() {
        String key = generator.next(null);
        assertThat(key).matches("[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}(-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}){4}");
        assertThat(key).doesNotContain("0", "O", "1", "I", "L");
        double bits = KeyGenerator.GROUPS * KeyGenerator.GROUP_LENGTH * Math.log(KeyGenerator.ALPHABET.length()) / Math.log(2);
        assertThat(bits).isGreaterThanOrEqualTo(100);
        assertThat(generator.next("VIP")).startsWith("VIP-").hasSize(4 + 29);
    }

    @Test
    void tenThousandKeysAreDistinctAndUseTheWholeAlphabet() {
        Set<String> keys = new HashSet<>();
        Set<Character> symbols = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String key = generator.next(null);
            keys.add(key);
            key.chars().filter(c -> c != '-').forEach(c -> symbols.add((char) c));
        }
        assertThat(keys).hasSize(10_000);
        assertThat(symbols).hasSize(KeyGenerator.ALPHABET.length());
    }
}
