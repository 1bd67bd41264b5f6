package io.kamiflow.inventory;

import java.security.SecureRandom;

import org.springframework.stereotype.Component;

/**
 * Random keys like {@code 7KQ4M-XW9TB-...}: 25 symbols from an alphabet without look-alikes
 * (no 0/O, 1/I/L), 31^25 ≈ 2^123 possibilities.
 */
@Component
public class KeyGenerator {

    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    static final int GROUPS = 5;
    static final int GROUP_LENGTH = 5;

    private final SecureRandom random = new SecureRandom();

    public String next(String prefix) {
        StringBuilder key = new StringBuilder();
        if (prefix != null && !prefix.isEmpty()) {
            key.append(prefix).append('-');
        }
        for (int group = 0; group < GROUPS; group++) {
            if (group > 0) {
                key.append('-');
            }
            for (int i = 0; i < GROUP_LENGTH; i++) {
                key.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
        }
        return key.toString();
    }
}
