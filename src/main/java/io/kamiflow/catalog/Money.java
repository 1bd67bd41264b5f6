package io.kamiflow.catalog;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.regex.Pattern;

/** An amount in minor units of an ISO 4217 currency; JSON shows it as a decimal string ("12.50"). */
public record Money(long minor, String currency) {

    /** Compiled once: every Money checks its code, and String.matches compiled the pattern again each time. */
    private static final Pattern CODE = Pattern.compile("[A-Za-z]{3}");
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,15}(\\.\\d{1,4})?");

    public Money {
        currency = currency(currency);
    }

    public static String currency(String code) {
        if (code == null || !CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("currency must be a three-letter ISO 4217 code");
        }
        try {
            return Currency.getInstance(code.toUpperCase(Locale.ROOT)).getCurrencyCode();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown currency '" + code + "'");
        }
    }

    /** Parses "12.50" strictly: no more fraction digits than the currency has, no exponent, no sign tricks. */
    public static Money parse(String decimal, String currency) {
        String code = currency(currency);
        if (decimal == null || !DECIMAL.matcher(decimal).matches()) {
            throw new IllegalArgumentException("amount must be a decimal string like \"12.50\"");
        }
        int digits = Math.max(0, Currency.getInstance(code).getDefaultFractionDigits());
        BigDecimal value = new BigDecimal(decimal);
        if (value.stripTrailingZeros().scale() > digits) {
            throw new IllegalArgumentException("amount has more than " + digits + " decimals for " + code);
        }
        return new Money(value.movePointRight(digits).longValueExact(), code);
    }

    public String amount() {
        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        return BigDecimal.valueOf(minor, digits).toPlainString();
    }

    public Money times(int quantity) {
        return new Money(Math.multiplyExact(minor, quantity), currency);
    }
}
