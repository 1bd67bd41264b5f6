package io.kamiflow.ordering;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

/**
 * Order numbers sort by time (support reads them) but cannot be enumerated: the 10 random
 * Crockford base-32 symbols after the timestamp carry 50 bits.
 */
@Component
class OrderNumbers {

    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyMMddHHmmss");

    private final SecureRandom random = new SecureRandom();

    String next() {
        StringBuilder no = new StringBuilder(STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)));
        for (int i = 0; i < 10; i++) {
            no.append(CROCKFORD.charAt(random.nextInt(CROCKFORD.length())));
        }
        return no.toString();
    }
}
