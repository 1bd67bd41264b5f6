package io.kamiflow.catalog;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One field a buyer fills in at checkout for a product fulfilled by hand (an account to top up, a phone number).
 *
 * @param key what the order API's {@code fields} object names it by
 * @param labelEn the label shown to English buyers
 * @param labelZh the label shown to Chinese buyers, null: the English one
 * @param required whether checkout refuses an empty value
 * @param pattern a Java regular expression the whole value must match, null: any text
 * @param maxLength the longest value, at most {@link InputFields#MAX_VALUE}
 */
public record InputField(String key, String labelEn, String labelZh, boolean required, String pattern, int maxLength) {

    public String label(Locale locale) {
        return Product.chinese(locale) && labelZh != null && !labelZh.isBlank() ? labelZh : labelEn;
    }

    /** @return what is wrong with a buyer's value (English, for the problem detail), empty when it is fine */
    Optional<String> problem(String value) {
        if (value == null || value.isBlank()) {
            return required ? Optional.of("fields." + key + " is required") : Optional.empty();
        }
        if (value.length() > maxLength) {
            return Optional.of("fields." + key + " is longer than " + maxLength + " characters");
        }
        if (pattern != null && !InputFields.matches(Pattern.compile(pattern), value)) {
            return Optional.of("fields." + key + " does not have the expected format");
        }
        return Optional.empty();
    }
}
