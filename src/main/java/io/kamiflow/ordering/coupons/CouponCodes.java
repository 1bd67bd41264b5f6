package io.kamiflow.ordering.coupons;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One spelling per code: NFKC (a full-width "ＳＡＬＥ１０" typed with a Chinese input method is "SALE10"), no
 * surrounding blanks, upper case. Codes are letters, digits, '-' and '_', 3 to 32 of them.
 */
public final class CouponCodes {

    private static final Pattern VALID = Pattern.compile("[A-Z0-9][A-Z0-9_-]{2,31}");

    private CouponCodes() {
    }

    public static String normalize(String code) {
        return code == null ? null : Normalizer.normalize(code, Normalizer.Form.NFKC).strip().toUpperCase(Locale.ROOT);
    }

    public static boolean valid(String normalized) {
        return normalized != null && VALID.matcher(normalized).matches();
    }
}
